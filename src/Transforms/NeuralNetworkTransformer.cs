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

[assembly: LoadableClass(typeof(NeuralNetworkTransformer), null, typeof(SignatureLoadModel),
    "MlNetTriplet neural network classifier", NeuralNetworkTransformer.LoaderSignature)]

namespace MlNetTriplet;

/// <summary>A trained feed-forward network classifier. A binary one adds <c>Score</c> (logit), <c>Probability</c>
/// and <c>PredictedLabel</c> (Boolean); a multiclass one adds <c>Score</c> (class probabilities) and
/// <c>PredictedLabel</c> (a key whose values are the training labels). Computed lazily in batches inside the cursor;
/// saves and loads with <c>mlContext.Model</c>.</summary>
public sealed class NeuralNetworkTransformer : BatchedTransformer, IDisposable
{
    internal const string LoaderSignature = "MlNetTripletNeuralNet";

    // 0x00010001: first format (description JSON, key values, Network.bin).
    private static VersionInfo Version => new("MLNTNNET", verWrittenCur: 0x00010001, verReadableCur: 0x00010001,
        verWeCanReadBack: 0x00010001, loaderSignature: LoaderSignature,
        loaderAssemblyName: typeof(NeuralNetworkTransformer).Assembly.GetName().Name);

    private readonly Description _description;
    private readonly KeyValues? _labelValues;
    private readonly NetworkRunner _runner;

    internal NeuralNetworkTransformer(IHostEnvironment env, Description description, KeyValues? labelValues,
        MlpModule network)
    {
        env.Register(nameof(NeuralNetworkTransformer));
        _description = description;
        _labelValues = labelValues;
        bool binary = description.Kind == ClassifierKind.Binary;
        _runner = new NetworkRunner(network, [description.FeatureCount], binary ? 1 : description.ClassCount,
            Devices.ForInference(description.Device), binary ? null : logits => nn.functional.softmax(logits, 1));
        Mapping = new NetworkMapping(description.FeatureColumnName, _runner,
            binary ? ClassifierOutputs.Binary() : ClassifierOutputs.Multiclass(description.ClassCount, labelValues),
            description.InferenceBatchSize, "feature");
    }

    private protected override NetworkMapping Mapping { get; }

    /// <summary>What is persisted besides the weights.</summary>
    internal sealed record Description(string FeatureColumnName, int FeatureCount, MlpArchitecture Architecture,
        ClassifierKind Kind, int ClassCount, int InferenceBatchSize, string Device, TrainingHistory? History);

    /// <summary>Name of the input feature vector column.</summary>
    public string FeatureColumnName => _description.FeatureColumnName;

    /// <summary>Length of the feature vector the network takes.</summary>
    public int FeatureCount => _description.FeatureCount;

    /// <summary>True for a binary classifier (Score, Probability, Boolean PredictedLabel), false for a multiclass one.</summary>
    public bool IsBinary => _description.Kind == ClassifierKind.Binary;

    /// <summary>Number of classes (2 for a binary classifier; the size of <c>Score</c> for a multiclass one).</summary>
    public int ClassCount => _description.ClassCount;

    /// <summary>The network's architecture.</summary>
    public MlpArchitecture Architecture => _description.Architecture;

    /// <summary>Per-epoch figures of the training run that produced this model (kept in the saved zip).</summary>
    public TrainingHistory? History => _description.History;

    private MlpModule Network => (MlpModule)_runner.Module;

    private protected override void SaveModel(ModelSaveContext ctx) =>
        ModelStreams.Save(ctx, Version, _description, Network, writer => KeyValues.WriteOptional(writer, _labelValues));

    private static NeuralNetworkTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        const string what = "neural network classifier";
        var description = ModelStreams.LoadDescription<Description>(ctx, Version, what);
        var labelValues = KeyValues.ReadOptional(ctx.Reader, what);
        var network = new MlpModule(description.Architecture, description.FeatureCount,
            description.Kind == ClassifierKind.Binary ? 1 : description.ClassCount);
        ModelStreams.LoadNetwork(ctx, network, what);
        network.to(Devices.ForInference(description.Device));
        return new NeuralNetworkTransformer(env, description, labelValues, network);
    }

    /// <summary>Frees the network's native memory.</summary>
    public void Dispose() => _runner.Dispose();
}
