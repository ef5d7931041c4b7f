using MlNetTriplet.Checks;

namespace MlNetTriplet.Plots;

/// <summary>Options of <see cref="NeighborGallery.Save"/>: the columns it reads and how the grid looks. The defaults
/// read a <see cref="NearestNeighborsTransformer"/>'s output over photos listed by
/// <c>mlContext.Data.LoadFromImageFolder</c>, searched with <see cref="NearestNeighborsOptions.IdColumnName"/> set to
/// <c>"ImagePath"</c> (so that each neighbour's id is its photo's path).</summary>
public sealed class NeighborGalleryOptions
{
    /// <summary>The query's photo path (Text). Default <c>"ImagePath"</c>.</summary>
    public string ImagePathColumnName { get; set; } = "ImagePath";

    /// <summary>The query's label (text or a key with key values), compared with its neighbours' labels; null to leave
    /// it out (no neighbour is then marked). Default <c>"Label"</c>.</summary>
    public string? LabelColumnName { get; set; } = "Label";

    /// <summary>The neighbours' photo paths, nearest first: the search's <see cref="NearestNeighborsOptions.NeighborIdsColumnName"/>
    /// with the gallery's path column as <see cref="NearestNeighborsOptions.IdColumnName"/>. Default <c>"NeighborIds"</c>.</summary>
    public string NeighborPathsColumnName { get; set; } = "NeighborIds";

    /// <summary>The neighbours' labels (a vector of text or of keys). Default <c>"NeighborLabels"</c>.</summary>
    public string NeighborLabelsColumnName { get; set; } = "NeighborLabels";

    /// <summary>The neighbours' distances, shown under each photo; null to leave them out. Default
    /// <c>"NeighborDistances"</c>.</summary>
    public string? NeighborDistancesColumnName { get; set; } = "NeighborDistances";

    /// <summary>Queries (grid rows) at most, taken in order. Default 8.</summary>
    public int MaxQueries { get; set; } = 8;

    /// <summary>Neighbours shown per query at most (after leaving the query itself out). Default 5.</summary>
    public int MaxNeighbors { get; set; } = 5;

    /// <summary>Side of each photo's square in pixels. Default 128.</summary>
    public int TileSize { get; set; } = 128;

    /// <summary>Text above the grid; none when null. Default null.</summary>
    public string? Title { get; set; }

    internal void Validate()
    {
        var check = OptionChecks.For(this);
        check.ColumnName(ImagePathColumnName, nameof(ImagePathColumnName));
        check.ColumnName(LabelColumnName, nameof(LabelColumnName), optional: true);
        check.ColumnName(NeighborPathsColumnName, nameof(NeighborPathsColumnName));
        check.ColumnName(NeighborLabelsColumnName, nameof(NeighborLabelsColumnName));
        check.ColumnName(NeighborDistancesColumnName, nameof(NeighborDistancesColumnName), optional: true);
        check.Accepts(MaxQueries >= 1, nameof(MaxQueries), MaxQueries, "at least 1");
        check.Accepts(MaxNeighbors >= 1, nameof(MaxNeighbors), MaxNeighbors, "at least 1");
        check.Accepts(TileSize >= 16, nameof(TileSize), TileSize, "at least 16");
    }
}
