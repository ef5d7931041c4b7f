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

/// <summary>A trained convolutional classifier. <see cref="BatchedTransformer.Transform"/> adds <c>Score</c> (class
/// probabilities, <c>Vector&lt;Single, classes&gt;</c>) and <c>PredictedLabel</c> (a key whose values are the training
/// labels), computed lazily in batches inside the cursor. Saves and loads with <c>mlContext.Model</c>.</summary>
public sealed class CnnClassifierTransformer : BatchedTransformer, IDisposable
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
        Mapping = new NetworkMapping(description.FeatureColumnName, _runner,
            ClassifierOutputs.Multiclass(description.ClassCount, labelValues), description.InferenceBatchSize,
            "feature");
    }

    private protected override NetworkMapping Mapping { get; }

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

    private protected override void SaveModel(ModelSaveContext ctx) =>
        ModelStreams.Save(ctx, Version, _description, Network, writer => KeyValues.WriteOptional(writer, _labelValues));

    private static CnnClassifierTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        const string what = "CNN classifier";
        var description = ModelStreams.LoadDescription<Description>(ctx, Version, what);
        var labelValues = KeyValues.ReadOptional(ctx.Reader, what);
        var network = new CnnModule(description.Architecture, description.ImageShape, description.ClassCount);
        ModelStreams.LoadNetwork(ctx, network, what);
        network.to(Devices.ForInference(description.Device));
        return new CnnClassifierTransformer(env, description, labelValues, network);
    }

    /// <summary>Frees the network's native memory.</summary>
    public void Dispose() => _runner.Dispose();
}
