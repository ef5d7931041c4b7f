using MlNetTriplet.Neighbors;

namespace MlNetTriplet.Projection;

/// <summary>UMAP's metric vocabulary on the neighbour engine: <see cref="UmapMetric"/> onto <see cref="Metric"/>, a
/// custom <see cref="IUmapDistance"/> onto a pair-by-pair kernel, and the id a saved model records.</summary>
internal static class UmapMetrics
{
    /// <summary>The id a saved model records for a custom distance (the built-in metrics record their
    /// <see cref="UmapMetric"/> value).</summary>
    private const int CustomId = -1;

    /// <summary>The engine's metric of each <see cref="UmapMetric"/>, by value.</summary>
    private static readonly Metric[] Metrics = [Metric.Euclidean, Metric.Manhattan, Metric.Cosine, Metric.Correlation];

    public static Metric ToMetric(this UmapMetric metric) => Enum.IsDefined(metric) ? Metrics[(int)metric]
        : throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown UmapMetric.");

    /// <summary>The kernel <paramref name="options"/> ask for: the custom distance when set, else the metric.</summary>
    public static DistanceKernel Kernel(UmapOptions options) =>
        options.CustomDistance is { } custom ? DistanceKernel.Custom(custom.Distance) : DistanceKernel.For(options.Metric.ToMetric());

    /// <summary>What a saved model records for <paramref name="kernel"/>.</summary>
    public static int Id(DistanceKernel kernel) => kernel.Metric is not { } metric ? CustomId
        : Array.IndexOf(Metrics, metric) is var id and >= 0 ? id
        : throw new ArgumentOutOfRangeException(nameof(kernel), metric, "UMAP has no such metric.");

    /// <summary>The kernel of a saved model's id; a custom distance must be given back.</summary>
    /// <exception cref="ArgumentException">The model was fitted with a custom distance and none is given.</exception>
    /// <exception cref="InvalidDataException">The id is unknown.</exception>
    public static DistanceKernel FromId(int id, IUmapDistance? custom) => id switch
    {
        CustomId => DistanceKernel.Custom((custom ?? throw new ArgumentException(
            "The UMAP model was fitted with a custom IUmapDistance: pass the same distance to load it.", nameof(custom))).Distance),
        _ when Enum.IsDefined((UmapMetric)id) => DistanceKernel.For(((UmapMetric)id).ToMetric()),
        _ => throw new InvalidDataException($"Unknown UMAP metric id {id}."),
    };
}
