using MlNetTriplet.Neighbors;

namespace MlNetTriplet.Projection;

/// <summary>The SGD layout of umap-learn's <c>optimize_layout_euclidean</c> with <c>move_other</c>, as its fit runs it:
/// each directed edge (j, k) of the graph is sampled every epochs_per_sample = max_weight / weight epochs; a sample
/// moves j and k towards each other by the same clipped attractive gradient -2ab d^(2(b-1)) / (1 + a d^2b) (x) (j - k),
/// then pushes j away from negative_sample_rate random vertices with 2 gamma b / ((0.001 + d^2)(1 + a d^2b)) (x)
/// (j - other); every gradient coordinate is clipped to ±4 and the learning rate decays linearly to 0.</summary>
/// <remarks>
/// Moving both ends by one gradient keeps a pair's midpoint where it was: a pair whose step overshoots (2 alpha
/// |coefficient| > 1, which min_dist 0.3 allows until alpha falls below 0.63) swaps sides around that midpoint instead of
/// travelling. umap-learn is Hogwild (threads race on the coordinates), so it must run on one thread to be reproducible.
/// Here the edges are visited in the order of an <see cref="EdgeSchedule"/>: in each round, tasks that own disjoint
/// pairs of vertex blocks run in parallel and move both ends of their edges. A negative sample in the task's own blocks
/// is read live, as in umap-learn's sequential sweep; one in another task's blocks (which that task may be moving) is
/// read as it was at the start of the round. Each task draws its negatives from its own random stream hashed from
/// (seed, epoch, task). The result is a pure function of the seed: the same bytes on 1 or 64 threads. Apart from the
/// visiting order and those round-old reads, each step is umap-learn's. (Negatives read as they were at the start of
/// the epoch instead cost about 0.001 of trustworthiness on the triplet example's embeddings.)
/// </remarks>
internal static class LayoutOptimizer
{
    private const float Clip = 4f;

    public static void OptimizeFit(float[] embedding, int rows, int dim, SparseGraph graph, int epochs, float a,
        float b, float gamma, float initialAlpha, int negativeRate, int seed, ParallelOptions po)
    {
        var schedule = EdgeSchedule.Build(graph, seed);
        var epochsPerSample = EpochsPerSample(graph.Weights, 0, graph.EdgeCount, epochs);
        // The edges' state in visiting order, so that every task reads it front to back.
        int edges = schedule.Order.Length;
        var perSample = new double[edges];
        for (int o = 0; o < edges; o++) perSample[o] = epochsPerSample[schedule.Order[o]];
        var nextSample = (double[])perSample.Clone();
        var perNegative = new double[edges];
        for (int o = 0; o < edges; o++) perNegative[o] = perSample[o] / Math.Max(negativeRate, 1e-30);
        var nextNegative = (double[])perNegative.Clone();
        var (heads, tails, blockStart) = (schedule.Heads, schedule.Tails, schedule.BlockStart);

        // The layout in slot order (each block contiguous), and the layout as the round started, for reading other
        // tasks' vertices; every task copies its own blocks into the next round's copy as it finishes.
        var live = new float[embedding.Length];
        for (int v = 0; v < rows; v++)
            embedding.AsSpan(v * dim, dim).CopyTo(live.AsSpan(schedule.SlotOf[v] * dim, dim));
        var roundStart = (float[])live.Clone();
        var next = new float[live.Length];
        int perRound = schedule.TasksPerRound;
        for (int n = 0; n < epochs; n++)
        {
            float alpha = initialAlpha * (1f - (float)n / epochs);
            for (int round = 0; round < schedule.Rounds; round++)
            {
                int first = round * perRound;
                var before = roundStart;
                Parallel.For(first, first + perRound, po, task =>
                {
                    var (x, y) = schedule.TaskBlocks[task];
                    int x0 = blockStart[x], x1 = blockStart[x + 1], y0 = blockStart[y], y1 = blockStart[y + 1];
                    var rng = RandomStream.For(seed, StreamPurpose.Layout, n, task);
                    for (int o = schedule.TaskStart[task], end = schedule.TaskStart[task + 1]; o < end; o++)
                    {
                        if (nextSample[o] > n) continue;
                        int j = heads[o];
                        var current = live.AsSpan(j * dim, dim);
                        Attract(current, live.AsSpan(tails[o] * dim, dim), a, b, alpha, moveOther: true);
                        nextSample[o] += perSample[o];
                        int negatives = negativeRate == 0 ? 0 : (int)((n - nextNegative[o]) / perNegative[o]);
                        for (int p = 0; p < negatives; p++)
                        {
                            int k = rng.NextInt(rows);
                            if (k == j) continue;
                            bool own = (uint)(k - x0) < (uint)(x1 - x0) || (uint)(k - y0) < (uint)(y1 - y0);
                            Repel(current, (own ? live : before).AsSpan(k * dim, dim), a, b, gamma, alpha);
                        }
                        nextNegative[o] += negatives * perNegative[o];
                    }
                    live.AsSpan(x0 * dim, (x1 - x0) * dim).CopyTo(next.AsSpan(x0 * dim));
                    live.AsSpan(y0 * dim, (y1 - y0) * dim).CopyTo(next.AsSpan(y0 * dim));
                });
                (roundStart, next) = (next, roundStart);
            }
        }
        for (int v = 0; v < rows; v++)
            live.AsSpan(schedule.SlotOf[v] * dim, dim).CopyTo(embedding.AsSpan(v * dim, dim));
    }

    /// <summary>Optimises one new point against the fixed training layout (umap-learn's transform() with
    /// move_other=False): its edges to training rows (<paramref name="columns"/>, <paramref name="weights"/>), its own
    /// random stream; nothing else is read or written, so the result does not depend on the batch.</summary>
    public static void OptimizePoint(Span<float> point, float[] reference, int referenceRows, int dim,
        ReadOnlySpan<int> columns, ReadOnlySpan<float> weights, int epochs, float a, float b, float gamma,
        float initialAlpha, int negativeRate, RandomStream rng, Span<double> scratch)
    {
        int edges = columns.Length;
        float max = 0f;
        foreach (float w in weights) max = Math.Max(max, w);
        var perSample = scratch[..edges];
        var nextSample = scratch.Slice(edges, edges);
        var perNegative = scratch.Slice(2 * edges, edges);
        var nextNegative = scratch.Slice(3 * edges, edges);
        for (int e = 0; e < edges; e++)
        {
            // Edges too light to be sampled once are dropped (umap-learn's max / n_epochs rule, per point here so
            // that the batch does not matter).
            perSample[e] = weights[e] >= max / epochs && weights[e] > 0f ? max / (double)weights[e] : double.PositiveInfinity;
            nextSample[e] = perSample[e];
            perNegative[e] = perSample[e] / Math.Max(negativeRate, 1e-30);
            nextNegative[e] = perNegative[e];
        }
        for (int n = 0; n < epochs; n++)
        {
            float alpha = initialAlpha * (1f - (float)n / epochs);
            for (int e = 0; e < edges; e++)
            {
                if (nextSample[e] > n) continue;
                Attract(point, reference.AsSpan(columns[e] * dim, dim), a, b, alpha, moveOther: false);
                nextSample[e] += perSample[e];
                int negatives = negativeRate == 0 ? 0 : (int)((n - nextNegative[e]) / perNegative[e]);
                for (int p = 0; p < negatives; p++)
                    Repel(point, reference.AsSpan(rng.NextInt(referenceRows) * dim, dim), a, b, gamma, alpha);
                nextNegative[e] += negatives * perNegative[e];
            }
        }
    }

    /// <summary>umap-learn's <c>make_epochs_per_sample</c>: max / weight.</summary>
    internal static double[] EpochsPerSample(float[] weights, int start, int count, int epochs)
    {
        float max = 0f;
        for (int e = start; e < start + count; e++) max = Math.Max(max, weights[e]);
        var result = new double[count];
        for (int e = 0; e < count; e++)
            result[e] = weights[start + e] > 0f ? max / (double)weights[start + e] : double.PositiveInfinity;
        return result;
    }

    /// <summary>One attractive step on <paramref name="current"/>, and the opposite step on <paramref name="other"/>
    /// when <paramref name="moveOther"/> (umap-learn's move_other: a fit moves both ends, transform() only the new
    /// point).</summary>
    private static void Attract(Span<float> current, Span<float> other, float a, float b, float alpha, bool moveOther)
    {
        float d2 = 0f;
        for (int d = 0; d < current.Length; d++)
        {
            float diff = current[d] - other[d];
            d2 += diff * diff;
        }
        if (!(d2 > 0f)) return;
        float powB1 = MathF.Pow(d2, b - 1f);
        float coefficient = -2f * a * b * powB1 / (a * powB1 * d2 + 1f);
        for (int d = 0; d < current.Length; d++)
        {
            float step = Math.Clamp(coefficient * (current[d] - other[d]), -Clip, Clip) * alpha;
            current[d] += step;
            if (moveOther) other[d] -= step;
        }
    }

    private static void Repel(Span<float> current, ReadOnlySpan<float> other, float a, float b, float gamma, float alpha)
    {
        float d2 = 0f;
        for (int d = 0; d < current.Length; d++)
        {
            float diff = current[d] - other[d];
            d2 += diff * diff;
        }
        if (d2 > 0f)
        {
            float coefficient = 2f * gamma * b / ((0.001f + d2) * (a * MathF.Pow(d2, b) + 1f));
            for (int d = 0; d < current.Length; d++)
                current[d] += Math.Clamp(coefficient * (current[d] - other[d]), -Clip, Clip) * alpha;
        }
        else
        {
            // Coincident points: umap-learn pushes by the clip value along every axis.
            for (int d = 0; d < current.Length; d++) current[d] += Clip * alpha;
        }
    }
}
