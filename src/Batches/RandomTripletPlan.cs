namespace MlNetTriplet.Batches;

/// <summary>The Keras triplet generator: per triplet a uniform positive class, a negative class uniform over the
/// others, two different rows of the positive class (anchor, positive) and one row of the negative class. A batch is
/// the anchors, then the positives, then the negatives (3 x <c>triplets</c> rows), which
/// <see cref="TripletMining.None"/> reads back. Needs at least two classes, each with at least two rows.</summary>
internal sealed class RandomTripletPlan : BatchPlan
{
    private readonly int[][] _classes;
    private readonly int _triplets, _steps;
    private readonly long _seed;

    public RandomTripletPlan(long[] labels, int triplets, int stepsPerEpoch, long seed)
    {
        _classes = ClassIndex.Build(labels).Values.Select(rows => rows.ToArray()).ToArray();
        if (_classes.Length < 2 || _classes.Any(c => c.Length < 2))
            throw new ArgumentException("Random triplets need at least two classes of at least two rows each.", nameof(labels));
        (_triplets, _steps, _seed) = (triplets, stepsPerEpoch, seed);
    }

    public override int StepsPerEpoch => _steps;

    public override IReadOnlyList<int[]> Epoch(int epoch)
    {
        var random = new Random(unchecked((int)EpochSeed(_seed, epoch)));
        int classes = _classes.Length;
        var batches = new int[_steps][];
        for (int step = 0; step < _steps; step++)
        {
            var rows = batches[step] = new int[3 * _triplets];
            for (int t = 0; t < _triplets; t++)
            {
                int positiveClass = random.Next(classes);
                int negativeClass = (positiveClass + random.Next(1, classes)) % classes;
                var pool = _classes[positiveClass];
                int anchor = random.Next(pool.Length), positive = random.Next(pool.Length - 1);
                if (positive >= anchor)
                    positive++;
                var negatives = _classes[negativeClass];
                rows[t] = pool[anchor];
                rows[_triplets + t] = pool[positive];
                rows[2 * _triplets + t] = negatives[random.Next(negatives.Length)];
            }
        }
        return batches;
    }
}
