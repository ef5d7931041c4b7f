namespace MlNetTriplet.Neighbors;

/// <summary>The distances the neighbour engine measures. The public vocabularies map onto it where they meet the
/// engine: <c>UmapMetric</c> (UMAP's neighbour graph), <c>EmbeddingDistance</c> (retrieval metrics),
/// <c>TripletDistance</c> (the triplet losses).</summary>
internal enum Metric
{
    /// <summary>Straight-line (L2) distance.</summary>
    Euclidean,

    /// <summary>Squared L2 distance.</summary>
    SquaredEuclidean,

    /// <summary>Sum of absolute differences (L1).</summary>
    Manhattan,

    /// <summary>1 - cosine similarity; a row of zeros is at distance 1 from every row.</summary>
    Cosine,

    /// <summary>1 - Pearson correlation; a constant row is at distance 1 from every row.</summary>
    Correlation,
}

/// <summary>A distance given as code, pair by pair (UMAP's custom distance).</summary>
internal delegate float PairDistance(ReadOnlySpan<float> x, ReadOnlySpan<float> y);
