using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetTriplet.Data;
using MlNetTriplet.Transforms;

namespace MlNetTriplet;

/// <summary>Keeps a gallery (the rows <c>Fit</c> is given: an embedding column, a label column, optionally an id
/// column) in a <see cref="NearestNeighborsTransformer"/> that finds the nearest gallery rows of any row. Nothing is
/// trained: an exact search only stores the gallery; an approximate one also builds its NN-descent index. Create it
/// with <c>mlContext.Transforms.NearestNeighbors(...)</c> or, as a classifier,
/// <c>mlContext.MulticlassClassification.Trainers.NearestNeighbors(...)</c>.</summary>
public sealed class NearestNeighborsEstimator : IEstimator<NearestNeighborsTransformer>
{
    private readonly IHost _host;
    private readonly NearestNeighborsOptions _options;

    internal NearestNeighborsEstimator(IHostEnvironment env, NearestNeighborsOptions options)
    {
        _host = env.Register(nameof(NearestNeighborsEstimator));
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _options.Validate();
    }

    /// <summary>Reads the gallery once into memory (checking every row first: columns, no empty gallery, finite
    /// embeddings, labels present, at least <see cref="NearestNeighborsOptions.NeighborCount"/> rows), builds the
    /// approximate index when asked, and returns the search transformer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type.</exception>
    /// <exception cref="ArgumentException">Fewer gallery rows than neighbours asked for.</exception>
    /// <exception cref="InvalidDataException">An empty gallery, a NaN or infinite embedding, a missing label (the row
    /// is named).</exception>
    public NearestNeighborsTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        Gallery.CheckSchema(input.Schema, o, null);
        if (input.GetRowCount() is long known and > 0 && known < o.NeighborCount)
            throw TooFewRows(known);
        var rows = Gallery.Read(input, o, null, "Gallery");
        if (rows.Count < o.NeighborCount)
            throw TooFewRows(rows.Count);
        // The MLContext seed makes an unseeded index repeatable, as it does for ML.NET's own trainers.
        var options = o.Clone();
        options.Seed ??= _host.Rand.Next();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var gallery = Gallery.Create(rows, o.Distance, o.Approximate, options.Seed.Value, o.ParallelOptions);
        using (var channel = _host.Start("Nearest neighbours"))
            channel.Info($"Gallery of {rows.Count} x {rows.Dims} ('{o.FeatureColumnName}', {o.Distance}, {(o.Approximate ? "approximate" : "exact")}) ready in {started.Elapsed.TotalSeconds:F1} s.");
        return new NearestNeighborsTransformer(new NearestNeighborsTransformer.Description(options), gallery);
    }

    private ArgumentException TooFewRows(long rows) => new(
        new Checks.OptionChecks(nameof(NearestNeighborsOptions)).Message(nameof(NearestNeighborsOptions.NeighborCount),
            _options.NeighborCount, $"at most the gallery's {rows} rows"), "input");

    /// <summary>The input schema plus the neighbour columns (and <c>Score</c> / <c>PredictedLabel</c> with a vote);
    /// throws when the embedding or label column is missing or of the wrong type.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var o = _options;
        SchemaChecks.CheckFloatVector(SchemaChecks.FindColumn(inputSchema, o.FeatureColumnName, "embedding"), "embedding");
        var label = SchemaChecks.FindColumn(inputSchema, o.LabelColumnName, "label");
        var columns = inputSchema.ToDictionary(c => c.Name);
        SchemaShape.Column Vector(string name, DataViewType item, bool isKey) =>
            new(name, SchemaShape.Column.VectorKind.Vector, item, isKey);
        var id = o.IdColumnName is { } idName ? SchemaChecks.FindColumn(inputSchema, idName, "id") : (SchemaShape.Column?)null;
        columns[o.NeighborIdsColumnName] = Vector(o.NeighborIdsColumnName, id?.ItemType ?? NumberDataViewType.Int32, false);
        columns[o.NeighborLabelsColumnName] = Vector(o.NeighborLabelsColumnName, label.ItemType, label.IsKey);
        columns[o.NeighborDistancesColumnName] = Vector(o.NeighborDistancesColumnName, NumberDataViewType.Single, false);
        if (o.Vote is not null)
            ClassifierOutputs.AddMulticlassShape(columns, label);
        return new SchemaShape(columns.Values);
    }
}
