using System.Numerics.Tensors;
using MlNetTriplet.Neighbors;

namespace MlNetTriplet.Evaluation;

/// <summary>Embedding rows with a class per row: row-major <see cref="Count"/> x <see cref="Dims"/> finite values;
/// labels are non-negative class ids shared by every set evaluated together.</summary>
internal sealed record LabeledEmbeddings(float[] Rows, int[] Labels, int Count, int Dims);

/// <summary>The metrics of <see cref="EmbeddingMetrics"/> on plain arrays.</summary>
internal static class EmbeddingEvaluator
{
    private const int DefaultNeighbors = 10;

    /// <param name="data">Rows evaluated (queries and, for the retrieval metrics, the gallery).</param>
    /// <param name="reference">Gallery of the k-NN vote, or null for leave-one-out within <paramref name="data"/>.</param>
    /// <param name="options">Options, validated.</param>
    /// <param name="labelName">How error messages name the labels (e.g. "label column 'Label'").</param>
    /// <param name="po">Parallelism; results do not depend on it.</param>
    public static EmbeddingMetrics Evaluate(LabeledEmbeddings data, LabeledEmbeddings? reference,
        EmbeddingEvaluationOptions options, string labelName, ParallelOptions po)
    {
        options.Validate();
        int n = data.Count;
        int labelIds = Math.Max(TensorPrimitives.Max<int>(data.Labels.AsSpan(0, n)),
            reference is null ? 0 : TensorPrimitives.Max<int>(reference.Labels.AsSpan(0, reference.Count))) + 1;
        var classSize = new int[labelIds];
        for (int i = 0; i < n; i++)
            classSize[data.Labels[i]]++;
        int classes = classSize.Count(c => c > 0);
        if (classes < 2)
            throw new ArgumentException($"The {labelName} has {classes} distinct value(s) over {n} rows; evaluating embeddings needs at least two classes.");
        int singletons = classSize.Count(c => c == 1);
        if (singletons == n)
            throw new ArgumentException($"Every row of the {labelName} has a class of its own ({n} rows, {classes} classes): no row has a same-class partner to retrieve.");
        if (reference is not null && reference.Dims != data.Dims)
            throw new ArgumentException($"The reference embeddings have {reference.Dims} values per row; the evaluated ones {data.Dims}.");

        var metric = DistanceKernel.For(options.Distance);
        var packed = PackedRows.Pack(data.Rows, n, data.Dims, metric, po);
        int voters = reference?.Count ?? n - 1, k = options.KnnNeighborCount ?? Math.Min(DefaultNeighbors, voters);
        if (k > voters)
            throw new ArgumentOutOfRangeException(nameof(options),
                $"KnnNeighborCount is {k} but only {voters} {(reference is null ? "other rows" : "reference rows")} can vote: set KnnNeighborCount to {voters} or less.");

        var precisionAt1 = new double[n];
        var rPrecision = new double[n];
        var averagePrecision = new double[n];
        var knnHit = new bool[n];
        ExactSearch.ForEachQuery(packed, packed, metric, sameSet: true,
            q => Math.Max(classSize[data.Labels[q]] - 1, reference is null ? k : 1),
            (q, nearest) =>
            {
                int label = data.Labels[q], r = classSize[label] - 1;
                if (r > 0)
                {
                    int hits = 0;
                    double sum = 0;
                    for (int t = 0; t < r; t++)
                    {
                        if (data.Labels[ExactSearch.Index(nearest[t])] != label) continue;
                        hits++;
                        sum += hits / (t + 1.0);
                    }
                    precisionAt1[q] = data.Labels[ExactSearch.Index(nearest[0])] == label ? 1 : 0;
                    rPrecision[q] = hits / (double)r;
                    averagePrecision[q] = sum / r;
                }
                if (reference is null)
                    knnHit[q] = Vote(nearest[..k], data.Labels, labelIds) == label;
            }, po);
        if (reference is not null)
        {
            var gallery = PackedRows.Pack(reference.Rows, reference.Count, reference.Dims, metric, po);
            ExactSearch.ForEachQuery(packed, gallery, metric, sameSet: false, _ => k,
                (q, nearest) => knnHit[q] = Vote(nearest, reference.Labels, labelIds) == data.Labels[q], po);
        }

        double? nmi = null;
        if (options.ComputeClusterQuality)
        {
            var clusters = KMeans.Cluster(packed, classes, options.Seed, options.KMeansRestarts, options.KMeansMaxIterations, po);
            nmi = ClusterAgreement.NormalizedMutualInformation(data.Labels.AsSpan(0, n), clusters);
        }

        int retrieved = n - singletons;
        // Sums in row order: the same result for any thread count.
        return new EmbeddingMetrics
        {
            PrecisionAt1 = precisionAt1.Sum() / retrieved,
            RPrecision = rPrecision.Sum() / retrieved,
            MeanAveragePrecisionAtR = averagePrecision.Sum() / retrieved,
            KnnAccuracy = knnHit.Count(h => h) / (double)n,
            NormalizedMutualInformation = nmi,
            Rows = n,
            Classes = classes,
            SingletonRows = singletons,
            KnnNeighborCount = k,
            ReferenceRows = reference?.Count ?? 0,
            Distance = options.Distance,
        };
    }

    /// <summary>The majority class of the neighbours (nearest first), ties as <see cref="NeighborVotes.Vote"/>.</summary>
    private static int Vote(ReadOnlySpan<ulong> nearest, int[] labels, int labelIds)
    {
        Span<int> classes = nearest.Length <= 256 ? stackalloc int[nearest.Length] : new int[nearest.Length];
        for (int t = 0; t < nearest.Length; t++)
            classes[t] = labels[ExactSearch.Index(nearest[t])];
        Span<float> scores = labelIds <= 256 ? stackalloc float[labelIds] : new float[labelIds];
        return NeighborVotes.Vote(classes, default, weighted: false, scores);
    }
}
