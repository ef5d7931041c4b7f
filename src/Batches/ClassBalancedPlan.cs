namespace MlNetTriplet.Batches;

/// <summary>P x K batches: <c>classesPerBatch</c> distinct random classes, <c>samplesPerClass</c> random rows of each
/// (without replacement, or with it for a class smaller than K), drawn from the classes with at least two rows.</summary>
internal sealed class ClassBalancedPlan : BatchPlan
{
    private readonly int[][] _pools;
    private readonly int _p, _k, _steps;
    private readonly long _seed;

    public ClassBalancedPlan(long[] labels, int classesPerBatch, int samplesPerClass, int stepsPerEpoch, long seed)
    {
        _pools = ClassIndex.Build(labels).Values.Where(rows => rows.Count >= 2).Select(rows => rows.ToArray()).ToArray();
        if (_pools.Length < classesPerBatch)
            throw new ArgumentException(
                $"{classesPerBatch} classes per batch, but only {_pools.Length} classes have at least two rows.", nameof(labels));
        (_p, _k, _steps, _seed) = (classesPerBatch, samplesPerClass, stepsPerEpoch, seed);
    }

    public override int StepsPerEpoch => _steps;

    public override IReadOnlyList<int[]> Epoch(int epoch)
    {
        var random = new Random(unchecked((int)EpochSeed(_seed, epoch)));
        var order = Enumerable.Range(0, _pools.Length).ToArray();
        // The draws shuffle the pools in place: each epoch starts from a fresh copy, so it depends on (seed, epoch)
        // alone, not on the epochs drawn before it (a resumed run, or validation batches drawn once per epoch).
        var pools = Array.ConvertAll(_pools, pool => (int[])pool.Clone());
        var batches = new int[_steps][];
        for (int step = 0; step < _steps; step++)
        {
            var rows = batches[step] = new int[_p * _k];
            // Partial Fisher-Yates shuffles, in place: a permutation of a permutation is still uniform, so the pools
            // need no reset between draws.
            for (int c = 0; c < _p; c++)
            {
                int pick = random.Next(c, order.Length);
                (order[c], order[pick]) = (order[pick], order[c]);
                var pool = pools[order[c]];
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
                    rows[c * _k + s] = row;
                }
            }
        }
        return batches;
    }
}
