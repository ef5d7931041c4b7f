using System.Globalization;

namespace MlNetTriplet;

/// <summary>Retrieval and clustering quality of embeddings, with pytorch-metric-learning's <c>AccuracyCalculator</c>
/// definitions: every row queries all other rows of the evaluated set; R is the number of other rows of its class.
/// Rows whose class has no other row (R = 0) are left out of <see cref="PrecisionAt1"/>, <see cref="RPrecision"/>
/// and <see cref="MeanAveragePrecisionAtR"/>.</summary>
public sealed record EmbeddingMetrics
{
    /// <summary>Share of queries whose nearest other row has their class.</summary>
    public required double PrecisionAt1 { get; init; }

    /// <summary>Mean over queries of (rows of their class among their R nearest) / R.</summary>
    public required double RPrecision { get; init; }

    /// <summary>Mean over queries of (1/R) Σ_{i ≤ R} P(i)·rel(i), where P(i) is the precision among the i nearest and
    /// rel(i) whether the i-th nearest has the query's class.</summary>
    public required double MeanAveragePrecisionAtR { get; init; }

    /// <summary>Accuracy of a majority vote of the <see cref="KnnNeighborCount"/> nearest rows: of the reference set
    /// when one was given, else of the other rows of the evaluated set (leave-one-out). A tie goes to the tied class
    /// whose first vote is nearest.</summary>
    public required double KnnAccuracy { get; init; }

    /// <summary>Normalised mutual information (arithmetic mean of the entropies, as scikit-learn's default) between
    /// the labels and a k-means clustering with one cluster per class; null when cluster quality was not asked for.</summary>
    public required double? NormalizedMutualInformation { get; init; }

    /// <summary>Rows evaluated.</summary>
    public required int Rows { get; init; }

    /// <summary>Classes among the evaluated rows.</summary>
    public required int Classes { get; init; }

    /// <summary>Rows alone in their class, left out of the retrieval metrics (still counted in the k-NN accuracy).</summary>
    public required int SingletonRows { get; init; }

    /// <summary>Neighbours that voted in <see cref="KnnAccuracy"/>.</summary>
    public required int KnnNeighborCount { get; init; }

    /// <summary>Rows of the reference set the k-NN vote used; 0 for leave-one-out within the evaluated set.</summary>
    public required int ReferenceRows { get; init; }

    /// <summary>Distance used.</summary>
    public required DistanceMetric Distance { get; init; }

    /// <summary>One line: the metrics, then the counts they rest on.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"P@1 {PrecisionAt1:F4}, R-precision {RPrecision:F4}, MAP@R {MeanAveragePrecisionAtR:F4}, " +
        $"{KnnNeighborCount}-NN accuracy {KnnAccuracy:F4} ({(ReferenceRows > 0 ? $"against {ReferenceRows} reference rows" : "leave-one-out")}), " +
        $"NMI {(NormalizedMutualInformation is double nmi ? nmi.ToString("F4", CultureInfo.InvariantCulture) : "not computed")}; " +
        $"{Rows} rows, {Classes} classes, {SingletonRows} singleton rows excluded, {Distance.ToString().ToLowerInvariant()} distance");
}
