namespace MlNetTriplet;

/// <summary>How far apart two rows (embeddings, features) are: the one distance vocabulary of the triplet losses
/// (<see cref="TripletEmbeddingOptions.Distance"/>), UMAP's neighbour graph (<see cref="UmapOptions.Metric"/>) and
/// embedding evaluation (<see cref="EmbeddingEvaluationOptions.Distance"/>), all measured by one neighbour engine.
/// Each option documents the values it accepts.</summary>
public enum DistanceMetric
{
    /// <summary>Straight-line (L2) distance, <c>sqrt(sum (a - b)^2)</c>: TF-Addons' <c>pairwise_distance</c>,
    /// umap-learn's <c>"euclidean"</c>, pytorch-metric-learning's default <c>LpDistance</c>.</summary>
    Euclidean,

    /// <summary>Squared L2 distance, <c>sum (a - b)^2</c>.</summary>
    SquaredEuclidean,

    /// <summary>Sum of absolute differences (L1), <c>sum |a - b|</c>: the Keras triplet tutorial's, umap-learn's
    /// <c>"manhattan"</c>.</summary>
    Manhattan,

    /// <summary>1 - cosine similarity, in [0, 2]: umap-learn's <c>"cosine"</c>. A row of zeros is at distance 1 from
    /// every row.</summary>
    Cosine,

    /// <summary>1 - Pearson correlation, in [0, 2]: umap-learn's <c>"correlation"</c>. A constant row is at distance 1
    /// from every row.</summary>
    Correlation,
}
