using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Data;
using MlNetTriplet.Neighbors;

namespace MlNetTriplet.Transforms;

/// <summary>A search transform's gallery: the rows searched, their labels and their ids (null: the ids are the rows'
/// positions). Immutable; <see cref="Append"/> returns a new gallery.</summary>
internal sealed class Gallery(GallerySearch search, GalleryLabels labels, ScalarValues? ids)
{
    public GallerySearch Search { get; } = search;
    public GalleryLabels Labels { get; } = labels;
    public ScalarValues? Ids { get; } = ids;

    /// <summary>Gallery rows as read from an <see cref="IDataView"/>, checked.</summary>
    public sealed record Rows(float[] Embeddings, int Count, int Dims, GalleryLabels Labels, ScalarValues? Ids);

    /// <summary>Checks the gallery's columns before any row is read: the embedding column (of <paramref name="dims"/>
    /// values when given), the label column (text, key, Boolean or number), the id column (text or number); returns the
    /// embedding size.</summary>
    public static int CheckSchema(DataViewSchema schema, NearestNeighborsOptions options, int? dims)
    {
        List<(string, string)> scalars = [(options.LabelColumnName, "label")];
        if (options.IdColumnName is { } id)
            scalars.Add((id, "id"));
        int size = EmbeddingReader.CheckSchema(schema, options.FeatureColumnName, scalars, dims);
        if (options.IdColumnName is { } idName && schema[idName].Type is KeyDataViewType or BooleanDataViewType)
            throw SchemaChecks.Mismatch("id", idName, "Text or a number", $"{schema[idName].Type}");
        return size;
    }

    /// <summary>Reads every row of <paramref name="data"/> (<paramref name="dataName"/> in messages) after
    /// <see cref="CheckSchema"/>: an empty data view, a NaN or infinite embedding, a missing label are refused naming
    /// the row.</summary>
    public static Rows Read(IDataView data, NearestNeighborsOptions options, int? dims, string dataName)
    {
        int size = CheckSchema(data.Schema, options, dims);
        SchemaChecks.CheckNotEmpty(data, dataName);
        List<string> scalars = [options.LabelColumnName];
        if (options.IdColumnName is { } id)
            scalars.Add(id);
        var (embeddings, count, columns) = EmbeddingReader.Read(data, options.FeatureColumnName, size, scalars, dataName);
        var labels = GalleryLabels.FromColumn(data.Schema[options.LabelColumnName], columns[0], dataName);
        var ids = options.IdColumnName is null ? null : columns[1].Values.Select(columns[1].Ids);
        return new Rows(embeddings, count, size, labels, ids);
    }

    public static Gallery Create(Rows rows, DistanceMetric metric, bool approximate, int seed, ParallelOptions po) =>
        new(GallerySearch.Build(rows.Embeddings, rows.Count, rows.Dims, metric, approximate, seed, po), rows.Labels, rows.Ids);

    /// <summary>This gallery followed by <paramref name="rows"/> (their embeddings have this gallery's size).</summary>
    public Gallery Append(Rows rows, string labelColumn, string? idColumn, ParallelOptions po)
    {
        var labels = Labels.Append(rows.Labels, labelColumn);
        if (Ids is not null && rows.Ids!.ItemType.RawType != Ids.ItemType.RawType)
            throw new ArgumentException(
                $"Id column '{idColumn}' of the added rows is {rows.Ids.ItemType}; the gallery's ids are {Ids.ItemType}.", nameof(rows));
        return new Gallery(Search.Append(rows.Embeddings, rows.Count, po), labels, Ids?.Concat(rows.Ids!));
    }

    public void Write(BinaryWriter w)
    {
        Search.Write(w);
        Labels.Write(w);
        w.Write(Ids is not null);
        Ids?.Write(w);
    }

    public static Gallery Read(BinaryReader r, string what)
    {
        var search = GallerySearch.Read(r);
        var labels = GalleryLabels.Read(r, what);
        var ids = r.ReadBoolean() ? ScalarValues.Read(r) : null;
        if (labels.ClassOfRow.Length != search.Rows || (ids is not null && ids.Count != search.Rows))
            throw new InvalidDataException("Corrupt gallery: its labels or ids do not match its rows.");
        return new Gallery(search, labels, ids);
    }
}
