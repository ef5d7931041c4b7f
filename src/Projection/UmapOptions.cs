using MlNetTriplet.Checks;
using MlNetTriplet.Projection;

namespace MlNetTriplet;

/// <summary>A user-supplied distance for the neighbour graph (umap-learn's callable <c>metric</c>).</summary>
/// <remarks>It must be symmetric, non-negative and zero on identical rows, and safe to call from several threads at
/// once. Neighbour search with it uses the same NN-descent and random-projection trees as the built-in metrics (the
/// trees split with euclidean hyperplanes, which only affects speed, not correctness). A model fitted with it can be
/// saved, but loading needs the same distance passed back.</remarks>
public interface IUmapDistance
{
    /// <summary>The distance between two rows of equal length.</summary>
    float Distance(ReadOnlySpan<float> x, ReadOnlySpan<float> y);
}

/// <summary>Options of a UMAP projection. Names follow umap-learn's parameters and defaults (0.5.x).</summary>
public sealed class UmapOptions
{
    /// <summary>Neighbours per point, the point itself included (umap-learn's <c>n_neighbors</c>); default 15, at least 2.
    /// Larger values favour global structure.</summary>
    public int NeighborCount { get; set; } = 15;

    /// <summary>Dimensions of the projection (umap-learn's <c>n_components</c>); default 2.</summary>
    public int ComponentCount { get; set; } = 2;

    /// <summary>Smallest distance between points in the projection (umap-learn's <c>min_dist</c>); default 0.1,
    /// in [0, <see cref="Spread"/>].</summary>
    public float MinDistance { get; set; } = 0.1f;

    /// <summary>Scale of the projected clusters (umap-learn's <c>spread</c>); default 1, positive.</summary>
    public float Spread { get; set; } = 1f;

    /// <summary>Distance between input rows (umap-learn's <c>metric</c>): <see cref="DistanceMetric.Euclidean"/>
    /// (default), <see cref="DistanceMetric.Manhattan"/>, <see cref="DistanceMetric.Cosine"/> or
    /// <see cref="DistanceMetric.Correlation"/>. Ignored when <see cref="CustomDistance"/> is set.</summary>
    public DistanceMetric Metric { get; set; } = DistanceMetric.Euclidean;

    /// <summary>A custom distance (umap-learn's callable <c>metric</c>); null (default) uses <see cref="Metric"/>.</summary>
    public IUmapDistance? CustomDistance { get; set; }

    /// <summary>Optimisation epochs (umap-learn's <c>n_epochs</c>); null (default) is 200 above 10,000 rows, else 500.
    /// transform() uses a third of it.</summary>
    public int? EpochCount { get; set; }

    /// <summary>Negative samples per positive sample (umap-learn's <c>negative_sample_rate</c>); default 5.</summary>
    public int NegativeSampleRate { get; set; } = 5;

    /// <summary>Initial SGD learning rate (umap-learn's <c>learning_rate</c>); default 1. transform() starts at a
    /// quarter of it, as umap-learn.</summary>
    public float LearningRate { get; set; } = 1f;

    /// <summary>Nearest neighbours assumed fully connected (umap-learn's <c>local_connectivity</c>); default 1.</summary>
    public float LocalConnectivity { get; set; } = 1f;

    /// <summary>Blend between fuzzy union (1, default) and fuzzy intersection (0) when symmetrising the graph
    /// (umap-learn's <c>set_op_mix_ratio</c>).</summary>
    public float SetOpMixRatio { get; set; } = 1f;

    /// <summary>Weight of negative samples (umap-learn's <c>repulsion_strength</c>, gamma); default 1.</summary>
    public float RepulsionStrength { get; set; } = 1f;

    /// <summary>Random seed (umap-learn's <c>random_state</c>). With a seed the output is bit-identical run to run and
    /// whatever the thread count; unlike umap-learn all cores are still used. Null (default) draws a seed.</summary>
    public int? Seed { get; set; }

    /// <summary>Most threads to use; null (default) uses every core. Does not change the result.</summary>
    public int? MaxThreads { get; set; }

    /// <summary>A copy with <see cref="Seed"/> set.</summary>
    internal UmapOptions WithSeed(int seed)
    {
        var copy = (UmapOptions)MemberwiseClone();
        copy.Seed = seed;
        return copy;
    }

    /// <summary>The epoch count used for <paramref name="rows"/> training rows.</summary>
    internal int ResolveEpochs(int rows) => EpochCount ?? DefaultEpochs(rows);

    /// <summary>umap-learn's default epoch count: 500 up to 10,000 rows, 200 above.</summary>
    internal static int DefaultEpochs(int rows) => rows > 10_000 ? 200 : 500;

    internal ParallelOptions ParallelOptions => new() { MaxDegreeOfParallelism = MaxThreads ?? -1 };

    /// <summary>Throws naming the first invalid option, in <see cref="OptionChecks"/>' form.</summary>
    internal void Validate()
    {
        var check = OptionChecks.For(this);
        check.Accepts(NeighborCount >= 2, nameof(NeighborCount), NeighborCount, "at least 2");
        check.Accepts(ComponentCount >= 1, nameof(ComponentCount), ComponentCount, "at least 1");
        check.Accepts(Spread > 0f && float.IsFinite(Spread), nameof(Spread), Spread, "a positive number");
        check.Accepts(MinDistance >= 0f && float.IsFinite(MinDistance), nameof(MinDistance), MinDistance, "zero or a positive number");
        check.Compatible(MinDistance <= Spread, nameof(MinDistance), MinDistance, nameof(Spread), Spread, "MinDistance <= Spread");
        check.OneOf(Metric, nameof(Metric), UmapMetrics.Metrics);
        check.Accepts(EpochCount is null or >= 1, nameof(EpochCount), EpochCount, "null (200 or 500 by size) or at least 1");
        check.Accepts(NegativeSampleRate >= 0, nameof(NegativeSampleRate), NegativeSampleRate, "zero or more");
        check.Accepts(LearningRate > 0f && float.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "a positive number");
        check.Accepts(LocalConnectivity >= 0f && float.IsFinite(LocalConnectivity), nameof(LocalConnectivity), LocalConnectivity,
            "zero or a positive number");
        check.Accepts(SetOpMixRatio is >= 0f and <= 1f, nameof(SetOpMixRatio), SetOpMixRatio, "a number in [0, 1]");
        check.Accepts(RepulsionStrength >= 0f && float.IsFinite(RepulsionStrength), nameof(RepulsionStrength), RepulsionStrength,
            "zero or a positive number");
        check.Accepts(MaxThreads is null or >= 1, nameof(MaxThreads), MaxThreads, "null (every core) or at least 1");
    }
}
