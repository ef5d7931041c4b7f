using MlNetTriplet.Neighbors;

namespace MlNetTriplet;

/// <summary>Quality of a low-dimensional projection (UMAP, t-SNE, ...) of row-major float data.</summary>
public static class ProjectionQuality
{
    /// <summary>Trustworthiness (Venna and Kaski; scikit-learn's <c>sklearn.manifold.trustworthiness</c>, euclidean in
    /// both spaces): 1 - 2 / (n k (2n - 3k - 1)) * Σᵢ Σ_{j in the embedding's k-NN of i but not the input's}
    /// (rank of j among i's input-space neighbours - k). 1 means no false neighbours. Exact, O(n²) distances: sample
    /// a few thousand rows for large data.</summary>
    /// <param name="high">Input rows, <paramref name="rows"/> x <paramref name="highDims"/>.</param>
    /// <param name="low">Embedded rows, <paramref name="rows"/> x <paramref name="lowDims"/>.</param>
    /// <param name="rows">Rows in both.</param>
    /// <param name="highDims">Values per input row.</param>
    /// <param name="lowDims">Values per embedded row.</param>
    /// <param name="k">Neighbours; must be below rows / 2.</param>
    public static double Trustworthiness(float[] high, float[] low, int rows, int highDims, int lowDims, int k = 15)
    {
        Check(high, rows, highDims, nameof(high));
        Check(low, rows, lowDims, nameof(low));
        if (k < 1 || k >= rows / 2.0)
            throw new ArgumentOutOfRangeException(nameof(k), $"k is {k}: expected 1 <= k < rows / 2 ({rows / 2.0}).");
        // Squared euclidean distances rank as euclidean ones; both spaces measured by the same search, so an
        // embedding identical to its input finds exactly the input's neighbours.
        var metric = DistanceKernel.For(DistanceMetric.SquaredEuclidean);
        var po = new ParallelOptions();
        var packedLow = PackedRows.Pack(low, rows, lowDims, prepare: null, po);
        var lowIdx = new int[rows * k];
        ExactSearch.Nearest(packedLow, packedLow, metric, k, sameSet: true, lowIdx, new float[rows * k], po);
        var packedHigh = PackedRows.Pack(high, rows, highDims, prepare: null, po);
        long penalty = 0;
        ExactSearch.ForEachDistanceRow(packedHigh, packedHigh, metric, (i, dist) =>
        {
            long local = 0;
            for (int t = 0; t < k; t++)
            {
                int j = lowIdx[i * k + t];
                float dj = dist[j];
                // 1-based rank of j among i's input neighbours (i itself left out), ties by index (a stable argsort,
                // as scikit-learn).
                int rank = 1;
                for (int l = 0; l < rows; l++)
                    if (l != i && (dist[l] < dj || (dist[l] == dj && l < j))) rank++;
                if (rank > k) local += rank - k;
            }
            Interlocked.Add(ref penalty, local);
        }, po);
        return 1.0 - 2.0 / (rows * (double)k * (2.0 * rows - 3.0 * k - 1.0)) * penalty;
    }

    /// <summary>Accuracy of a k-nearest-neighbour majority vote (euclidean, uniform weights, ties to the smallest
    /// label, as scikit-learn's KNeighborsClassifier) in the embedding.</summary>
    /// <param name="embedding">Rows, <paramref name="rows"/> x <paramref name="dims"/>.</param>
    /// <param name="labels">Class of each row (non-negative).</param>
    /// <param name="rows">Rows.</param>
    /// <param name="dims">Values per row.</param>
    /// <param name="k">Neighbours voting.</param>
    /// <param name="trainRows">Null (default): leave-one-out over all rows (each row voted by its k nearest others).
    /// Otherwise a split: the first <paramref name="trainRows"/> rows are the reference set and the accuracy is over
    /// the remaining rows (as the benchmark's 60k/10k split).</param>
    public static double KnnAccuracy(float[] embedding, int[] labels, int rows, int dims, int k = 10, int? trainRows = null)
    {
        Check(embedding, rows, dims, nameof(embedding));
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length != rows)
            throw new ArgumentException($"Expected {rows} labels; got {labels.Length}.", nameof(labels));
        int reference = trainRows ?? rows;
        int first = trainRows ?? 0;
        if (reference < 1 || reference > rows || (trainRows is not null && reference == rows))
            throw new ArgumentOutOfRangeException(nameof(trainRows), $"trainRows is {trainRows}: expected 1..{rows - 1}.");
        int available = trainRows is null ? rows - 1 : reference;
        if (k < 1 || k > available)
            throw new ArgumentOutOfRangeException(nameof(k), $"k is {k}: expected 1..{available}.");
        int queries = rows - first;
        var metric = DistanceKernel.For(DistanceMetric.SquaredEuclidean);
        var po = new ParallelOptions();
        var idx = new int[queries * k];
        var gallery = PackedRows.Pack(embedding, reference, dims, prepare: null, po);
        var queryRows = trainRows is null ? gallery
            : PackedRows.Pack(embedding[(first * dims)..], queries, dims, prepare: null, po);
        ExactSearch.Nearest(queryRows, gallery, metric, k, sameSet: trainRows is null, idx, new float[queries * k], po);
        int classes = labels.Max() + 1;
        int correct = 0;
        Parallel.For(0, queries, () => new int[classes], (q, _, votes) =>
        {
            Array.Clear(votes);
            for (int t = 0; t < k; t++) votes[labels[idx[q * k + t]]]++;
            int best = 0;
            for (int c = 1; c < classes; c++) if (votes[c] > votes[best]) best = c;
            if (best == labels[first + q]) Interlocked.Increment(ref correct);
            return votes;
        }, _ => { });
        return correct / (double)queries;
    }

    private static void Check(float[] data, int rows, int dims, string name)
    {
        ArgumentNullException.ThrowIfNull(data, name);
        if (rows < 2 || dims < 1 || data.LongLength != (long)rows * dims)
            throw new ArgumentException($"Expected {rows} rows x {dims} values (rows >= 2); got {data.LongLength} values.", name);
    }
}
