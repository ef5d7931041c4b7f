using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetTriplet.Data;
using MlNetTriplet.Projection;

namespace MlNetTriplet;

/// <summary>Fits a UMAP projection of a <c>Vector&lt;Single&gt;</c> column (embeddings, pixels, any features) and
/// returns a <see cref="UmapTransformer"/> that adds the projected <c>Vector&lt;Single, ComponentCount&gt;</c> column.
/// Create it with <c>mlContext.Transforms.ProjectToUmap(...)</c>.</summary>
public sealed class UmapEstimator : IEstimator<UmapTransformer>
{
    private const string Role = "input";
    private readonly IHost _host;
    private readonly string _outputColumnName, _inputColumnName;
    private readonly UmapOptions _options;

    internal UmapEstimator(IHostEnvironment env, string outputColumnName, string inputColumnName, UmapOptions options)
    {
        _host = env.Register(nameof(UmapEstimator));
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        (_outputColumnName, _inputColumnName) = (outputColumnName, inputColumnName);
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _options.Validate();
    }

    /// <summary>Reads the input column once into memory, fits UMAP and returns the fitted projection.</summary>
    public UmapTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var column = SchemaChecks.FindColumn(input.Schema, _inputColumnName, Role);
        int dims = SchemaChecks.CheckFloatVector(column, Role);
        var rows = LabeledFeatures.Read(input, _inputColumnName, null, dims, "UMAP training data");
        int k = _options.NeighborCount;
        if (rows.Rows < k + 1)
            throw new ArgumentException(
                $"UMAP needs more rows than NeighborCount: column '{_inputColumnName}' has {rows.Rows} rows for NeighborCount {k}; expected at least {k + 1}.",
                nameof(input));
        var data = rows.Features.Length == rows.Rows * dims ? rows.Features : rows.Features[..(rows.Rows * dims)];
        // The MLContext seed makes an unseeded projection repeatable, as it does for ML.NET's own trainers.
        var options = _options.WithSeed(_options.Seed ?? _host.Rand.Next());
        var started = System.Diagnostics.Stopwatch.StartNew();
        var model = UmapModel.Fit(data, rows.Rows, dims, options);
        using var channel = _host.Start("UMAP");
        channel.Info($"UMAP fit on {rows.Rows} x {dims} ('{_inputColumnName}', {options.Metric}) in {started.Elapsed.TotalSeconds:F1} s; initialisation {model.Initialization}.");
        return new UmapTransformer(new UmapTransformer.Description(_inputColumnName, _outputColumnName, _options.MaxThreads), model);
    }

    /// <summary>The input schema shape plus the projection column.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var column = SchemaChecks.FindColumn(inputSchema, _inputColumnName, Role);
        SchemaChecks.CheckFloatVector(column, Role);
        var columns = inputSchema.ToDictionary(c => c.Name);
        columns[_outputColumnName] = new SchemaShape.Column(_outputColumnName, SchemaShape.Column.VectorKind.Vector,
            NumberDataViewType.Single, false);
        return new SchemaShape(columns.Values);
    }
}
