using MlNetTriplet.Images;

namespace MlNetTriplet.Batches;

/// <summary>Which rows form each batch of an epoch (PyTorch's sampler and batch sampler in one): indices into a reader's
/// rows, drawn from (seed, epoch) alone, so an epoch replays on its own (resume from a checkpoint) and the batches are
/// the same however the rows are read. Sequential and shuffled plans are here; P x K batches in
/// <see cref="ClassBalancedPlan"/>, the Keras triplets in <see cref="RandomTripletPlan"/>.</summary>
internal abstract class BatchPlan
{
    /// <summary>Batches in each epoch.</summary>
    public abstract int StepsPerEpoch { get; }

    /// <summary>The batches of 0-based <paramref name="epoch"/> in order, each a non-empty array of row indices.</summary>
    public abstract IReadOnlyList<int[]> Epoch(int epoch);

    /// <summary>The seed of <paramref name="epoch"/>'s draws, derived so that an epoch can be replayed alone.</summary>
    public static long EpochSeed(long seed, int epoch) => unchecked(seed * 1_000_003L + epoch * 7919L + 17);

    /// <summary>Rows 0 to <paramref name="count"/> - 1 in order, in batches of <paramref name="batchSize"/> (the last
    /// one partial), the same every epoch: evaluation, and a cache filled once.</summary>
    public static BatchPlan Sequential(int count, int batchSize) => new Split(count, batchSize, epoch => Ordered(count));

    /// <summary>Every row once per epoch in batches of <paramref name="batchSize"/> (the last one partial, as PyTorch's
    /// DataLoader keeps it), in an order drawn from (<paramref name="seed"/>, epoch) through a window of
    /// <paramref name="window"/> rows: each row read in order takes the place of a random waiting row, which leaves;
    /// the rows still waiting at the end leave in random order (TensorFlow's <c>Dataset.shuffle</c>). A window of
    /// every row (the default) is a uniform shuffle, Fisher-Yates; a smaller one is what a stream read in order can
    /// give in bounded memory (<see cref="CursorReader"/> keeps the waiting rows).</summary>
    public static BatchPlan Shuffled(int count, int batchSize, long seed, int? window = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window ?? 1, 1, nameof(window));
        int held = Math.Min(window ?? count, count);
        return new Split(count, batchSize, epoch => WindowShuffle(count, held, new RowRandom(seed, epoch, row: -1)));
    }

    private static int[] Ordered(int count) => Enumerable.Range(0, count).ToArray();

    private static int[] WindowShuffle(int count, int window, RowRandom random)
    {
        var order = new int[count];
        var waiting = new int[window];
        int emitted = 0;
        for (int row = 0; row < count; row++)
        {
            if (row < window)
            {
                waiting[row] = row;
                continue;
            }
            int slot = random.NextInt(window);
            order[emitted++] = waiting[slot];
            waiting[slot] = row;
        }
        for (int i = window - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (waiting[i], waiting[j]) = (waiting[j], waiting[i]);
        }
        waiting.CopyTo(order, emitted);
        return order;
    }

    /// <summary>An epoch's order of every row, cut into batches.</summary>
    private sealed class Split : BatchPlan
    {
        private readonly int _batchSize;
        private readonly Func<int, int[]> _order;

        public Split(int count, int batchSize, Func<int, int[]> order)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            (_batchSize, _order) = (batchSize, order);
            StepsPerEpoch = (count + batchSize - 1) / batchSize;
        }

        public override int StepsPerEpoch { get; }

        public override IReadOnlyList<int[]> Epoch(int epoch) => _order(epoch).Chunk(_batchSize).ToArray();
    }
}
