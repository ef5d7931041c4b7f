using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetTriplet;
using MlNetTriplet.Networks;
using MlNetTriplet.Persistence;
using MlNetTriplet.Training;
using MlNetTriplet.Transforms;
using TorchSharp;
using static TorchSharp.torch;

[assembly: LoadableClass(typeof(CnnClassifierTransformer), null, typeof(SignatureLoadModel),
    "MlNetTriplet CNN classifier", CnnClassifierTransformer.LoaderSignature)]

namespace MlNetTriplet;

/// <summary>A trained convolutional classifier. <see cref="Transform"/> adds <c>Score</c> (class probabilities,
/// <c>Vector&lt;Single, classes&gt;</c>) and <c>PredictedLabel</c> (a key whose values are the training labels),
/// computed lazily in batches inside the cursor. Saves and loads with <c>mlContext.Model</c>.</summary>
public sealed class CnnClassifierTransformer : ITransformer, ICanSaveModel, IDisposable
{
    internal const string LoaderSignature = "MlNetTripletCnnClsf";

    // 0x00010001: first format (description JSON, key values, Network.bin).
    private static VersionInfo Version => new("MLNTCNNC", verWrittenCur: 0x00010001, verReadableCur: 0x00010001,
        verWeCanReadBack: 0x00010001, loaderSignature: LoaderSignature,
        loaderAssemblyName: typeof(CnnClassifierTransformer).Assembly.GetName().Name);

    private readonly IHost _host;
    private readonly Description _description;
    private readonly KeyValues? _labelValues;
    private readonly NetworkRunner _runner;
    private readonly NetworkMapping _mapping;

    internal CnnClassifierTransformer(IHostEnvironment env, Description description, KeyValues? labelValues,
        CnnModule network)
    {
        _host = env.Register(nameof(CnnClassifierTransformer));
        _description = description;
        _labelValues = labelValues;
        var device = Devices.ForInference(description.Device);
        var shape = description.ImageShape;
        _runner = new NetworkRunner(network, [shape.Channels, shape.Height, shape.Width], description.ClassCount,
            device, logits => nn.functional.softmax(logits, 1));
        _mapping = new NetworkMapping(description.FeatureColumnName, _runner, CreateOutputs(), description.InferenceBatchSize,
            "feature");
    }

    /// <summary>What is persisted besides the weights.</summary>
    internal sealed record Description(string FeatureColumnName, ImageShape ImageShape, CnnArchitecture Architecture,
        int ClassCount, int InferenceBatchSize, string Device, TrainingHistory? History);

    /// <summary>Name of the input column holding the C x H x W images.</summary>
    public string FeatureColumnName => _description.FeatureColumnName;

    /// <summary>Shape of one input image.</summary>
    public ImageShape ImageShape => _description.ImageShape;

    /// <summary>Number of classes (the size of <c>Score</c>).</summary>
    public int ClassCount => _description.ClassCount;

    /// <summary>The network's architecture.</summary>
    public CnnArchitecture Architecture => _description.Architecture;

    /// <summary>Per-epoch figures of the training run that produced this model (kept in the saved zip).</summary>
    public TrainingHistory? History => _description.History;

    internal CnnModule Network => (CnnModule)_runner.Module;

    /// <summary>Always true: the transformer maps rows one to one.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input schema plus <c>Score</c> and <c>PredictedLabel</c>.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _mapping.OutputSchema(inputSchema);

    /// <summary>Lazily scores <paramref name="input"/>: rows are read ahead in batches and classified together.</summary>
    public IDataView Transform(IDataView input) => new NetworkDataView(input, _mapping);

    /// <summary>Row-at-a-time mapping, used by <c>PredictionEngine</c>.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new NetworkRowMapper(_mapping, inputSchema);

    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        ModelStreams.Save(ctx, Version, _description, Network, writer =>
        {
            writer.Write(_labelValues is not null);
            _labelValues?.Write(writer);
        });

    private static CnnClassifierTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        const string what = "CNN classifier";
        var description = ModelStreams.LoadDescription<Description>(ctx, Version, what);
        KeyValues? labelValues;
        try
        {
            labelValues = ctx.Reader.ReadBoolean() ? KeyValues.Read(ctx.Reader) : null;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw new InvalidDataException($"The {what} in this model zip is corrupt: {e.Message}", e);
        }
        var network = new CnnModule(description.Architecture, description.ImageShape, description.ClassCount);
        ModelStreams.LoadNetwork(ctx, network, what);
        network.to(Devices.ForInference(description.Device));
        return new CnnClassifierTransformer(env, description, labelValues, network);
    }

    /// <summary>Frees the network's native memory.</summary>
    public void Dispose() => _runner.Dispose();

    private List<OutputColumn> CreateOutputs()
    {
        int classes = _description.ClassCount;
        var scoreAnnotations = new DataViewSchema.Annotations.Builder();
        if (_labelValues is not null)
        {
            var names = _labelValues.AsText();
            scoreAnnotations.AddSlotNames(classes, (ref VBuffer<ReadOnlyMemory<char>> dst) =>
                new VBuffer<ReadOnlyMemory<char>>(names.Length, names).CopyTo(ref dst));
        }
        scoreAnnotations.Add(AnnotationUtils.Kinds.ScoreColumnKind, TextDataViewType.Instance,
            (ref ReadOnlyMemory<char> v) => v = AnnotationUtils.Const.ScoreColumnKind.MulticlassClassification.AsMemory());
        scoreAnnotations.Add(AnnotationUtils.Kinds.ScoreValueKind, TextDataViewType.Instance,
            (ref ReadOnlyMemory<char> v) => v = AnnotationUtils.Const.ScoreValueKind.Score.AsMemory());
        var labelAnnotations = new DataViewSchema.Annotations.Builder();
        _labelValues?.AddKeyValuesTo(labelAnnotations);

        return
        [
            new OutputColumn(DefaultColumnNames.Score, new VectorDataViewType(NumberDataViewType.Single, classes),
                scoreAnnotations.ToAnnotations(),
                row => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) =>
                {
                    var output = row.Output;
                    var editor = VBufferEditor.Create(ref dst, output.Length);
                    output.CopyTo(editor.Values);
                    dst = editor.Commit();
                })),
            new OutputColumn(DefaultColumnNames.PredictedLabel, new KeyDataViewType(typeof(uint), classes),
                labelAnnotations.ToAnnotations(),
                row => (ValueGetter<uint>)((ref uint dst) => dst = (uint)ArgMax(row.Output) + 1)),
        ];
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best])
                best = i;
        return best;
    }
}
