using MlNetTriplet.Checks;
using MlNetTriplet.Neighbors;

namespace MlNetTriplet;

/// <summary>Options of <see cref="EmbeddingCatalog.Evaluate"/>.</summary>
public sealed class EmbeddingEvaluationOptions
{
    /// <summary>Neighbours voting in the k-NN accuracy. Default null: 10, or every row that can vote when fewer can
    /// (the count used is <see cref="EmbeddingMetrics.KnnNeighborCount"/>). A value you set that is larger than the
    /// rows that can vote (the reference rows, or the other evaluated rows) is an error, not a silently smaller vote.</summary>
    public int? KnnNeighborCount { get; set; }

    /// <summary>Distance between embeddings, any <see cref="DistanceMetric"/>; default
    /// <see cref="DistanceMetric.Euclidean"/> (pytorch-metric-learning's default <c>LpDistance</c>). k-means for the
    /// NMI clusters the rows as this distance prepares them (cosine and correlation: scaled to unit length).</summary>
    public DistanceMetric Distance { get; set; } = DistanceMetric.Euclidean;

    /// <summary>Whether to cluster the embeddings with k-means (k = number of classes) and report the NMI between
    /// clusters and labels; default true.</summary>
    public bool ComputeClusterQuality { get; set; } = true;

    /// <summary>Seed of the k-means++ initialisation; default 0, so repeated evaluations give the same NMI.</summary>
    public int Seed { get; set; }

    /// <summary>Independent k-means runs; the lowest inertia wins; default 3.</summary>
    public int KMeansRestarts { get; set; } = 3;

    /// <summary>Lloyd iterations per k-means run at most (a run stops earlier when no row changes cluster);
    /// default 100.</summary>
    public int KMeansMaxIterations { get; set; } = 100;

    internal void Validate()
    {
        var check = OptionChecks.For(this);
        check.Accepts(KnnNeighborCount is null or >= 1, nameof(KnnNeighborCount), KnnNeighborCount, "null (10) or at least 1");
        check.Defined(Distance, nameof(Distance));
        check.Accepts(KMeansRestarts >= 1, nameof(KMeansRestarts), KMeansRestarts, "at least 1");
        check.Accepts(KMeansMaxIterations >= 1, nameof(KMeansMaxIterations), KMeansMaxIterations, "at least 1");
    }
}
