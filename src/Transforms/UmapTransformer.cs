using MlNetTriplet.Checks;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using MlNetTriplet;
using MlNetTriplet.Export;
using MlNetTriplet.Persistence;
using MlNetTriplet.Projection;
using MlNetTriplet.Transforms;

namespace MlNetTriplet;

/// <summary>A fitted UMAP projection. <see cref="BatchedTransformer.Transform"/> adds a
/// <c>Vector&lt;Single, components&gt;</c> column: rows equal to a training row get their fitted position, other rows
/// are placed among the training points as umap-learn's <c>transform()</c> does, each independently of the rows around
/// it. Computed lazily in batches inside the cursor; saves and loads with <c>mlContext.Model</c>.</summary>
public sealed class UmapTransformer : BatchedTransformer
{
    private const string ModelStream = "Umap.bin";
    private static readonly ModelFormat Format = ModelFormats.Umap;

    private readonly Description _description;
    private readonly UmapModel _model;

    internal UmapTransformer(Description description, UmapModel model)
    {
        _description = description;
        _model = model;
        var output = OutputColumn.Vector(description.OutputColumnName, model.Components, DataViewSchema.Annotations.Empty);
        Mapping = new BatchedMapping(description.InputColumnName, new Projector(model, description.MaxThreads), [output],
            BatchSize, "input");
    }

    // transform() cost is per point, so the batch only bounds memory and per-call overhead.
    private const int BatchSize = 1024;

    private protected override BatchedMapping Mapping { get; }

    /// <summary>What is persisted besides the model.</summary>
    internal sealed record Description(string InputColumnName, string OutputColumnName, int? MaxThreads) : ISavedOptions
    {
        public void Check()
        {
            var check = new OptionChecks(nameof(UmapOptions));
            check.ColumnName(InputColumnName, "inputColumnName");
            check.ColumnName(OutputColumnName, "outputColumnName");
            check.Accepts(MaxThreads is null or >= 1, nameof(MaxThreads), MaxThreads, "null (every core) or at least 1");
        }
    }

    /// <summary>Name of the <c>Vector&lt;Single&gt;</c> column projected.</summary>
    public string InputColumnName => _description.InputColumnName;

    /// <summary>Name of the column added.</summary>
    public string OutputColumnName => _description.OutputColumnName;

    /// <summary>Dimensions of the projection (size of the output column).</summary>
    public int ComponentCount => _model.Components;

    /// <summary>How the layout started: <c>"spectral"</c>; <c>"spectral, N components laid out apart"</c> when the
    /// neighbour graph was disconnected (each component laid out on its own, as umap-learn does); or
    /// <c>"random (reason)"</c> when the eigensolver failed.</summary>
    public string Initialization => _model.Initialization;

    /// <summary>The fitted positions of the training rows, in training order (rows x <see cref="ComponentCount"/>).</summary>
    public float[,] GetTrainingEmbedding()
    {
        var result = new float[_model.Rows, _model.Components];
        Buffer.BlockCopy(_model.Embedding, 0, result, 0, _model.Embedding.Length * sizeof(float));
        return result;
    }

    internal override void SaveAsOnnx(OnnxContext ctx, IDataView source) => throw OnnxSteps.NotExportable(
        $"The UMAP projection '{OutputColumnName}'",
        "it places each new row by optimising its position against the fitted layout and the training rows' neighbour graph, which is not a fixed graph of tensor operations.");

    private protected override void SaveModel(ModelSaveContext ctx)
    {
        if (_model.HasCustomDistance)
            throw new NotSupportedException(
                $"This {Format.What} was fitted with UmapOptions.CustomDistance, which a model zip cannot hold (ML.NET's loader could not give the distance back). Fit with a built-in UmapOptions.Metric to save the pipeline.");
        Format.Save(ctx, _description, null, ModelStream, _model.Write);
    }

    private static BatchedTransformer Create(IHostEnvironment env, ModelLoadContext ctx) => FailedModel.LoadOrFail(ctx, () =>
    {
        var description = Format.LoadDescription<Description>(ctx);
        var model = Format.LoadStream(ctx, ModelStream, r => UmapModel.Read(r), "the projection");
        return new UmapTransformer(description, model);
    });

    /// <summary>The UMAP model as the batched cursor's mapper. <see cref="UmapModel.Transform"/> is thread-safe and
    /// batch-independent, so concurrent cursors need no lock.</summary>
    private sealed class Projector(UmapModel model, int? maxThreads) : IBatchMapper
    {
        public int InputWidth => model.Dims;
        public int OutputWidth => model.Components;

        public void Run(float[] input, int rows, float[] output)
        {
            var values = input.Length == rows * model.Dims ? input : input[..(rows * model.Dims)];
            model.Transform(values, rows, maxThreads).CopyTo(output, 0);
        }
    }
}
