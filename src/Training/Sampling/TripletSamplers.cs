using static TorchSharp.torch;

namespace MlNetTriplet
{
    /// <summary>How the training batches are drawn.</summary>
    public enum TripletSampling
    {
        /// <summary>Every row once per epoch in shuffled batches of <c>BatchSize</c> (the TF-Addons tutorial), for
        /// online mining.</summary>
        Shuffled,
        /// <summary><see cref="TripletEmbeddingOptions.ClassesPerBatch"/> random classes x
        /// <see cref="TripletEmbeddingOptions.SamplesPerClass"/> random rows of each (P x K batches), for online mining.</summary>
        ClassBalanced,
        /// <summary>The Keras tutorial's generator: <c>BatchSize</c> triplets per batch, each from a random positive
        /// class (anchor and positive, two different rows) and a different random class (the negative).</summary>
        RandomTriplets,
    }
}

namespace MlNetTriplet.Training.Sampling
{
    /// <summary>Row indices grouped by 0-based class, from a label array.</summary>
    internal static class ClassIndex
    {
        /// <summary>The rows of every class present in <paramref name="labels"/>, by ascending class.</summary>
        public static SortedDictionary<long, List<int>> Build(long[] labels)
        {
            var byClass = new SortedDictionary<long, List<int>>();
            for (int i = 0; i < labels.Length; i++)
            {
                if (!byClass.TryGetValue(labels[i], out var rows))
                    byClass[labels[i]] = rows = [];
                rows.Add(i);
            }
            return byClass;
        }
    }

    /// <summary>The Keras triplet generator: per triplet a uniform positive class, a negative class uniform over the
    /// others, two different rows of the positive class (anchor, positive) and one row of the negative class. A batch
    /// is the anchors, then the positives, then the negatives (3 x <c>triplets</c> indices), which
    /// <see cref="TripletMining.None"/> reads back. Needs at least two classes, each with at least two rows.</summary>
    internal sealed class RandomTripletSampler : IBatchSampler
    {
        private readonly int[][] _classes;
        private readonly int _triplets, _steps;
        private readonly long _seed;

        public RandomTripletSampler(long[] labels, int triplets, int stepsPerEpoch, long seed)
        {
            _classes = ClassIndex.Build(labels).Values.Select(rows => rows.ToArray()).ToArray();
            if (_classes.Length < 2 || _classes.Any(c => c.Length < 2))
                throw new ArgumentException("Random triplets need at least two classes of at least two rows each.", nameof(labels));
            (_triplets, _steps, _seed) = (triplets, stepsPerEpoch, seed);
        }

        public int StepsPerEpoch => _steps;

        public IEnumerable<Tensor> Batches(int epoch)
        {
            var random = new Random(unchecked((int)ShuffledBatchSampler.SeedFor(_seed, epoch)));
            var indices = new long[3 * _triplets];
            int classes = _classes.Length;
            for (int step = 0; step < _steps; step++)
            {
                for (int t = 0; t < _triplets; t++)
                {
                    int positiveClass = random.Next(classes);
                    int negativeClass = (positiveClass + random.Next(1, classes)) % classes;
                    var pool = _classes[positiveClass];
                    int anchor = random.Next(pool.Length), positive = random.Next(pool.Length - 1);
                    if (positive >= anchor)
                        positive++;
                    var negatives = _classes[negativeClass];
                    indices[t] = pool[anchor];
                    indices[_triplets + t] = pool[positive];
                    indices[2 * _triplets + t] = negatives[random.Next(negatives.Length)];
                }
                yield return tensor(indices);
            }
        }
    }

    /// <summary>P x K batches: <c>classesPerBatch</c> distinct random classes, <c>samplesPerClass</c> random rows of each
    /// (without replacement, or with it for a class smaller than K), drawn from the classes with at least two rows.</summary>
    internal sealed class ClassBalancedBatchSampler : IBatchSampler
    {
        private readonly int[][] _pools;
        private readonly int _p, _k, _steps;
        private readonly long _seed;

        public ClassBalancedBatchSampler(long[] labels, int classesPerBatch, int samplesPerClass, int stepsPerEpoch, long seed)
        {
            _pools = ClassIndex.Build(labels).Values.Where(rows => rows.Count >= 2).Select(rows => rows.ToArray()).ToArray();
            if (_pools.Length < classesPerBatch)
                throw new ArgumentException(
                    $"{classesPerBatch} classes per batch, but only {_pools.Length} classes have at least two rows.", nameof(labels));
            (_p, _k, _steps, _seed) = (classesPerBatch, samplesPerClass, stepsPerEpoch, seed);
        }

        public int StepsPerEpoch => _steps;

        public IEnumerable<Tensor> Batches(int epoch)
        {
            var random = new Random(unchecked((int)ShuffledBatchSampler.SeedFor(_seed, epoch)));
            var order = Enumerable.Range(0, _pools.Length).ToArray();
            var indices = new long[_p * _k];
            for (int step = 0; step < _steps; step++)
            {
                // Partial Fisher-Yates shuffles, in place: a permutation of a permutation is still uniform, so the
                // pools need no reset between draws and a step allocates nothing but its index tensor.
                for (int c = 0; c < _p; c++)
                {
                    int pick = random.Next(c, order.Length);
                    (order[c], order[pick]) = (order[pick], order[c]);
                    var pool = _pools[order[c]];
                    for (int s = 0; s < _k; s++)
                    {
                        int row;
                        if (pool.Length >= _k)
                        {
                            int j = random.Next(s, pool.Length);
                            (pool[s], pool[j]) = (pool[j], pool[s]);
                            row = pool[s];
                        }
                        else
                        {
                            row = pool[random.Next(pool.Length)];
                        }
                        indices[c * _k + s] = row;
                    }
                }
                yield return tensor(indices);
            }
        }
    }
}
