using MlNetTriplet.Neighbors;

namespace MlNetTriplet.Projection;

/// <summary>k nearest neighbours of every row, as umap-learn's <c>nearest_neighbors</c>: row-major
/// <see cref="Rows"/> x <see cref="K"/>, ascending; in a fit the row itself comes first at distance 0 (so K =
/// n_neighbors), in a transform() query all K are training rows. Distances are true metric distances.</summary>
internal sealed record KnnGraph(int[] Indices, float[] Distances, int Rows, int K)
{
    /// <summary>Below this many rows a fit uses the exact search; at and above, NN-descent.</summary>
    public const int ExactThreshold = 4096;

    /// <summary>The fit's neighbour graph (self first) of rows already prepared for <paramref name="metric"/>: the
    /// engine's exact search below <see cref="ExactThreshold"/> rows, else NN-descent seeded by a random-projection
    /// forest, returned in <paramref name="index"/> for transform() queries.</summary>
    public static KnnGraph ForFit(float[] data, int rows, int dims, int k, DistanceKernel metric, int seed,
        ParallelOptions po, out NNDescent? index)
    {
        int others = k - 1;
        var idx = new int[rows * others];
        var dist = new float[rows * others];
        if (rows < ExactThreshold)
        {
            var packed = PackedRows.Pack(data, rows, dims, prepare: null, po);
            ExactSearch.Nearest(packed, packed, metric, others, sameSet: true, idx, dist, po);
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
