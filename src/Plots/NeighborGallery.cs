using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Data;

namespace MlNetTriplet.Plots;

/// <summary>A gallery of nearest-neighbour search results on photos: one grid row per query, the query photo first,
/// then its neighbours nearest first, each captioned with its label and distance; a neighbour of another class than
/// the query is captioned in red. A query that belongs to the gallery it searched finds itself first: that match is
/// left out.</summary>
public static class NeighborGallery
{
    /// <summary>Reads <paramref name="searched"/> (a <see cref="NearestNeighborsTransformer"/>'s output over photos)
    /// and saves its first queries with their neighbours as one PNG.</summary>
    /// <param name="searched">Rows with the query's photo path and label and the search's neighbour columns.</param>
    /// <param name="pngPath">The file to write; its folder is created when missing.</param>
    /// <param name="options">Columns and layout; null for the defaults.</param>
    /// <returns>The number of queries drawn; with no row (or no neighbour other than the query itself) no file is
    /// written.</returns>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type (named in the message), or an
    /// option is out of range.</exception>
    /// <exception cref="InvalidDataException">A photo cannot be read (the file is named).</exception>
    public static int Save(IDataView searched, string pngPath, NeighborGalleryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(searched);
        var o = options ?? new NeighborGalleryOptions();
        o.Validate();
        var queries = Read(searched, o);
        int shown = queries.Count == 0 ? 0 : queries.Min(q => q.Neighbors.Count);
        if (shown == 0)
            return 0;
        var tiles = new List<GalleryImage>();
        foreach (var q in queries)
        {
            tiles.Add(Tile(q.Path, q.Label is null ? "query" : $"query: {q.Label}", highlight: false, o.TileSize));
            foreach (var n in q.Neighbors.Take(shown))
            {
                string caption = (n.Label ?? "") + (n.Distance is { } d ? string.Create(CultureInfo.InvariantCulture, $"\nd {d:F3}") : "");
                tiles.Add(Tile(n.Path, caption, highlight: q.Label is not null && n.Label != q.Label, o.TileSize));
            }
        }
        ImageGallery.Save(tiles, pngPath, columns: 1 + shown, o.Title, o.TileSize);
        return queries.Count;
    }

    private sealed record Neighbor(string Path, string? Label, float? Distance);

    private sealed record Query(string Path, string? Label, List<Neighbor> Neighbors);

    private static GalleryImage Tile(string path, string caption, bool highlight, int size)
    {
        var (pixels, shape) = PlanarImages.FromFile(path, size);
        return new GalleryImage(pixels, shape, caption) { Highlight = highlight };
    }

    private static List<Query> Read(IDataView data, NeighborGalleryOptions o)
    {
        var schema = data.Schema;
        var path = SchemaChecks.FindColumn(schema, o.ImagePathColumnName, "photo path");
        if (path.Type is not TextDataViewType)
            throw SchemaChecks.Mismatch("photo path", path.Name, "Text (file paths)", $"{path.Type}");
        var paths = SchemaChecks.FindColumn(schema, o.NeighborPathsColumnName, "neighbour paths");
        if (paths.Type is not VectorDataViewType { ItemType: TextDataViewType })
            throw SchemaChecks.Mismatch("neighbour paths", paths.Name,
                "a vector of Text photo paths (search with NearestNeighborsOptions.IdColumnName set to the gallery's path column)",
                $"{paths.Type}");
        var labels = SchemaChecks.FindColumn(schema, o.NeighborLabelsColumnName, "neighbour labels");
        var label = o.LabelColumnName is null ? (DataViewSchema.Column?)null : SchemaChecks.FindColumn(schema, o.LabelColumnName, "label");
        var distances = o.NeighborDistancesColumnName is null ? (DataViewSchema.Column?)null
            : SchemaChecks.FindColumn(schema, o.NeighborDistancesColumnName, "neighbour distances");
        if (distances is { } dc && !(dc.Type is VectorDataViewType { ItemType: var item } && item == NumberDataViewType.Single))
            throw SchemaChecks.Mismatch("neighbour distances", dc.Name, "Vector<Single>", $"{dc.Type}");

        var columns = new[] { path, paths, labels }.Concat(new[] { label, distances }.OfType<DataViewSchema.Column>());
        using var cursor = data.GetRowCursor(columns);
        var getPath = LabelTexts.Getter(cursor, path);
        var getLabel = label is { } lc ? LabelTexts.Getter(cursor, lc) : null;
        var getPaths = LabelTexts.VectorGetter(cursor, paths);
        var getLabels = LabelTexts.VectorGetter(cursor, labels);
        var getDistances = distances is { } d ? cursor.GetGetter<VBuffer<float>>(d) : null;
        VBuffer<float> distanceValues = default;
        var queries = new List<Query>();
        while (queries.Count < o.MaxQueries && cursor.MoveNext())
        {
            string query = getPath();
            var neighborPaths = getPaths();
            var neighborLabels = getLabels();
            getDistances?.Invoke(ref distanceValues);
            var neighbors = new List<Neighbor>();
            for (int i = 0; i < neighborPaths.Length && neighbors.Count < o.MaxNeighbors; i++)
                if (neighborPaths[i] != query)
                    neighbors.Add(new Neighbor(neighborPaths[i], i < neighborLabels.Length ? neighborLabels[i] : null,
                        getDistances is null ? null : distanceValues.GetItemOrDefault(i)));
            queries.Add(new Query(query, getLabel?.Invoke(), neighbors));
        }
        return queries;
    }
}
