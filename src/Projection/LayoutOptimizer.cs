namespace MlNetTriplet.Projection;

/// <summary>The SGD layout of umap-learn's <c>optimize_layout_euclidean</c>: edges sampled every
/// epochs_per_sample[e] = max_weight / weight[e] epochs, negative_sample_rate negatives per sample, attractive gradient
/// -2ab d^(2(b-1)) / (1 + a d^2b), repulsive 2 gamma b / ((0.001 + d^2)(1 + a d^2b)), each coordinate clipped to ±4,
/// learning rate decaying linearly to 0.</summary>
/// <remarks>
/// Parallel and deterministic (umap-learn is Hogwild: threads race on shared coordinates, so it must run on one
/// thread to be reproducible). Vertices are cut into fixed blocks of <see cref="Block"/>, and each epoch visits the
/// blocks in <see cref="Rounds"/> rounds (block b in round b mod Rounds). Within a round, blocks run in parallel; a
/// vertex moves only itself, along its own edges, reading every other position from a copy taken at the start of the
/// round; so each round sees all earlier rounds' moves (close to umap-learn's sequential sweep) while nothing depends
/// on thread scheduling. Negative samples come from a random stream hashed from (seed, epoch, vertex). The result is a
/// pure function of the seed: the same for 1 or 64 threads.
/// umap-learn's sampling of edge (j, k) moves both ends ("move_other") by the same gradient, and the graph is
/// symmetric, so j receives the pair's attraction twice per sample epoch; here j applies its own gradient with a
/// doubled step. (Applying it twice in a row instead lets the second step see the shortened distance: weaker
/// attraction, measured 0.002 lower trustworthiness on Fashion-MNIST; one round per epoch, a pure Jacobi update,
/// cost another 0.002.)
/// </remarks>
internal static class LayoutOptimizer
{
    private const float Clip = 4f;
    private const int Block = 256;
    // More rounds come closer to a sequential sweep; 8 matched umap-learn's trustworthiness on Fashion-MNIST.
    private const int Rounds = 8;

    public static void OptimizeFit(float[] embedding, int rows, int dim, SparseGraph graph, int epochs, float a,
        float b, float gamma, float initialAlpha, int negativeRate, int seed, ParallelOptions po)
    {
        int edges = graph.EdgeCount;
        var epochsPerSample = EpochsPerSample(graph.Weights, 0, edges, epochs);
        var nextSample = (double[])epochsPerSample.Clone();
        var perNegative = new double[edges];
        for (int e = 0; e < edges; e++) perNegative[e] = epochsPerSample[e] / Math.Max(negativeRate, 1e-30);
        var nextNegative = (double[])perNegative.Clone();

        var snapshot = new float[embedding.Length];
        int blocks = (rows + Block - 1) / Block;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            float alpha = initialAlpha * (1f - (float)epoch / epochs);
            int n = epoch;
            for (int round = 0; round < Rounds; round++)
            {
                embedding.AsSpan().CopyTo(snapshot);
                int first = round;
                Parallel.For(0, (blocks - first + Rounds - 1) / Rounds, po, t =>
                {
                    int start = (first + t * Rounds) * Block;
                    for (int j = start, end = Math.Min(rows, start + Block); j < end; j++)
                    {
                        var current = embedding.AsSpan(j * dim, dim);
                        var rng = RandomStream.For(seed, StreamPurpose.Layout, n, j);
                        for (int e = graph.RowStart[j]; e < graph.RowStart[j + 1]; e++)
                        {
                            if (nextSample[e] > n) continue;
                            Attract(current, snapshot.AsSpan(graph.Columns[e] * dim, dim), a, b, 2f * alpha);
                            nextSample[e] += epochsPerSample[e];
                            int negatives = negativeRate == 0 ? 0 : (int)((n - nextNegative[e]) / perNegative[e]);
                            for (int p = 0; p < negatives; p++)
                            {
                                int k = rng.NextInt(rows);
                                if (k == j) continue;
                                Repel(current, snapshot.AsSpan(k * dim, dim), a, b, gamma, alpha);
                            }
                            nextNegative[e] += negatives * perNegative[e];
                        }
                    }
                });
            }
        }
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
                Attract(point, reference.AsSpan(columns[e] * dim, dim), a, b, alpha);
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

    private static void Attract(Span<float> current, ReadOnlySpan<float> other, float a, float b, float alpha)
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
            current[d] += Math.Clamp(coefficient * (current[d] - other[d]), -Clip, Clip) * alpha;
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
