namespace MlNetTriplet.Projection;

/// <summary>k nearest neighbours of every row, as umap-learn's <c>nearest_neighbors</c>: row-major
/// <see cref="Rows"/> x <see cref="K"/>, ascending; in a fit the row itself comes first at distance 0 (so K =
/// n_neighbors), in a transform() query all K are training rows. Distances are true metric distances.</summary>
internal sealed record KnnGraph(int[] Indices, float[] Distances, int Rows, int K);

/// <summary>Exact k-NN (blocked, parallel) and the choice between it and NN-descent for a fit.</summary>
internal static class NearestNeighbors
{
    /// <summary>Below this many rows a fit uses the exact search; at and above, NN-descent.</summary>
    public const int ExactThreshold = 4096;

    /// <summary>Queries per block: each reference row is read once per block while it is in L1.</summary>
    private const int Block = 16;

    /// <summary>The <paramref name="k"/> nearest reference rows of each query, ascending by (reduced distance, index).
    /// With <paramref name="excludeSelf"/> the queries are the reference rows and each skips itself.</summary>
    public static void Exact(float[] queries, int queryRows, float[] reference, int referenceRows, int dims, int k,
        DistanceKernel metric, bool excludeSelf, int[] indices, float[] distances, ParallelOptions po)
    {
        int blocks = (queryRows + Block - 1) / Block;
        Parallel.For(0, blocks, po, b =>
        {
            int start = b * Block, end = Math.Min(queryRows, start + Block);
            for (int q = start; q < end; q++)
                NeighborHeap.Clear(distances.AsSpan(q * k, k), indices.AsSpan(q * k, k));
            for (int r = 0; r < referenceRows; r++)
            {
                var row = reference.AsSpan(r * dims, dims);
                for (int q = start; q < end; q++)
                {
                    if (excludeSelf && q == r) continue;
                    float d = metric.Reduced(queries.AsSpan(q * dims, dims), row);
                    if (d > distances[q * k]) continue;   // worse than the current k-th: skip the heap
                    NeighborHeap.Push(distances.AsSpan(q * k, k), indices.AsSpan(q * k, k), default, d, r, false);
                }
            }
            for (int q = start; q < end; q++)
                NeighborHeap.Sort(distances.AsSpan(q * k, k), indices.AsSpan(q * k, k));
        });
    }

    /// <summary>The fit's neighbour graph (self first): exact below <see cref="ExactThreshold"/> rows, else NN-descent
    /// seeded by a random-projection forest, returned in <paramref name="index"/> for transform() queries.</summary>
    public static KnnGraph ForFit(float[] data, int rows, int dims, int k, DistanceKernel metric, int seed,
        ParallelOptions po, out NNDescent? index)
    {
        int others = k - 1;
        var idx = new int[rows * others];
        var dist = new float[rows * others];
        if (rows < ExactThreshold)
        {
            Exact(data, rows, data, rows, dims, others, metric, true, idx, dist, po);
            index = null;
        }
        else
        {
            index = NNDescent.Build(data, rows, dims, others, metric, seed, po);
            index.CopyNeighbors(idx, dist);
        }
        var graph = new KnnGraph(new int[rows * k], new float[rows * k], rows, k);
        Parallel.For(0, rows, po, i =>
        {
            graph.Indices[i * k] = i;
            graph.Distances[i * k] = 0f;
            for (int j = 0; j < others; j++)
            {
                graph.Indices[i * k + 1 + j] = idx[i * others + j];
                graph.Distances[i * k + 1 + j] = metric.ToTrue(dist[i * others + j]);
            }
        });
        return graph;
    }
}
