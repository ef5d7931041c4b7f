namespace MlNetTriplet.Images;

/// <summary>Which rows form each batch of an epoch, as plain index arrays (what <see cref="ImageBatchProducer"/> takes).</summary>
internal static class BatchPlans
{
    /// <summary>Rows 0 to count - 1 in order, in batches of <paramref name="batchSize"/> (the last one partial).</summary>
    public static IReadOnlyList<int[]> Sequential(int count, int batchSize) => Split(Enumerable.Range(0, count).ToArray(), batchSize);

    /// <summary>Every row once, in an order drawn from (<paramref name="seed"/>, <paramref name="epoch"/>) alone.</summary>
    public static IReadOnlyList<int[]> Shuffled(int count, int batchSize, long seed, int epoch)
    {
        var order = Enumerable.Range(0, count).ToArray();
        var random = new RowRandom(seed, epoch, row: -1);
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return Split(order, batchSize);
    }

    private static int[][] Split(int[] order, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return order.Chunk(batchSize).ToArray();
    }
}
