using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Data;

namespace MlNetTriplet.Images;

/// <summary>A data set of photos on disk: one path and one 0-based class per row. Paths are all that is held; pixels
/// are decoded batch by batch.</summary>
internal sealed class ImageFileRows
{
    public ImageFileRows(string[] paths, long[] labels)
    {
        if (paths.Length != labels.Length)
            throw new ArgumentException($"{paths.Length} paths but {labels.Length} labels.", nameof(labels));
        Paths = paths;
        Labels = labels;
    }

    public string[] Paths { get; }
    public long[] Labels { get; }
    public int Count => Paths.Length;

    /// <summary>These rows without <paramref name="rows"/> (indices into them), order kept.</summary>
    public ImageFileRows Without(IEnumerable<int> rows)
    {
        var drop = rows.ToHashSet();
        var kept = Enumerable.Range(0, Count).Where(i => !drop.Contains(i)).ToArray();
        return new ImageFileRows(kept.Select(i => Paths[i]).ToArray(), kept.Select(i => Labels[i]).ToArray());
    }
    /// <summary>The (path, label) pairs of <paramref name="data"/> in one cursor pass; no pixel is read. Relative
    /// paths stay relative (to the current directory).</summary>
    /// <exception cref="InvalidDataException">The data is empty, a path is empty, or a label is missing.</exception>
    public static ImageFileRows Read(IDataView data, string imageColumn, string labelColumn, string dataName,
        CancellationToken cancellation = default)
    {
        var image = data.Schema[imageColumn];
        var label = data.Schema[labelColumn];
        var paths = new List<string>();
        var labels = new List<long>();
        using var cursor = data.GetRowCursor([image, label]);
        var getPath = cursor.GetGetter<ReadOnlyMemory<char>>(image);
        var keys = new ClassLabels(cursor, label, dataName);
        ReadOnlyMemory<char> path = default;
        while (cursor.MoveNext())
        {
            if ((paths.Count & 1023) == 0)
                cancellation.ThrowIfCancellationRequested();
            getPath(ref path);
            if (path.Span.IsWhiteSpace())
                throw new InvalidDataException($"{dataName}: row {paths.Count} of image column '{imageColumn}' has an empty path.");
            labels.Add(keys.Read(paths.Count));
            paths.Add(path.ToString());
        }
        if (paths.Count == 0)
            throw new InvalidDataException($"{dataName} is empty: image column '{imageColumn}' has no rows.");
        return new ImageFileRows([.. paths], [.. labels]);
    }
}
