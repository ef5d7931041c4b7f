using MlNetTriplet.Neighbors;

namespace MlNetTriplet.Projection;

/// <summary>UMAP's metrics on the neighbour engine: the <see cref="DistanceMetric"/> values it takes, a custom
/// <see cref="IUmapDistance"/> onto a pair-by-pair kernel, and the id a saved model records.</summary>
internal static class UmapMetrics
{
    /// <summary>The id a saved model records for a custom distance (the built-in metrics record their index in
    /// <see cref="Metrics"/>).</summary>
    private const int CustomId = -1;

    /// <summary>The metrics UMAP takes (umap-learn's named ones that the engine measures), in the order of the ids a
    /// saved model records. The ids are those of the UmapMetric enum that DistanceMetric replaced (Euclidean 0,
    /// Manhattan 1, Cosine 2, Correlation 3), so zips saved before load with the same meaning: never reorder.</summary>
    public static readonly DistanceMetric[] Metrics =
        [DistanceMetric.Euclidean, DistanceMetric.Manhattan, DistanceMetric.Cosine, DistanceMetric.Correlation];

    /// <summary>The kernel <paramref name="options"/> ask for: the custom distance when set, else the metric.</summary>
    public static DistanceKernel Kernel(UmapOptions options) =>
        options.CustomDistance is { } custom ? DistanceKernel.Custom(custom.Distance) : DistanceKernel.For(options.Metric);

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
        >= 0 when id < Metrics.Length => DistanceKernel.For(Metrics[id]),
        _ => throw new InvalidDataException($"Unknown UMAP metric id {id}."),
    };
}
