using MlNetTriplet.Checks;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetTriplet;
using MlNetTriplet.Export;
using MlNetTriplet.Networks;
using MlNetTriplet.Data;
using MlNetTriplet.Persistence;
using MlNetTriplet.Training;
using MlNetTriplet.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet;

/// <summary>A trained feed-forward network classifier. A binary one adds <c>Score</c> (logit), <c>Probability</c>
/// and <c>PredictedLabel</c> (Boolean); a multiclass one adds <c>Score</c> (class probabilities) and
/// <c>PredictedLabel</c> (a key whose values are the training labels). Computed lazily in batches inside the cursor;
/// saves and loads with <c>mlContext.Model</c>.</summary>
public sealed class NeuralNetworkTransformer : NetworkTransformer
{
    private static readonly ModelFormat Format = ModelFormats.NeuralNetwork;

    private readonly Description _description;
    private readonly KeyValues? _labelValues;

    internal NeuralNetworkTransformer(Description description, KeyValues? labelValues, MlpModule network)
        : this(description, labelValues, Runner(description, network))
    {
    }

    private NeuralNetworkTransformer(Description description, KeyValues? labelValues, NetworkRunner runner)
        : base(runner, new BatchedMapping(description.FeatureColumnName, runner,
            description.Kind == ClassifierKind.Binary
                ? ClassifierOutputs.Binary()
                : ClassifierOutputs.Multiclass(description.ClassCount, labelValues),
            description.InferenceBatchSize, "feature"), description.History)
    {
        _description = description;
        _labelValues = labelValues;
    }

    private static NetworkRunner Runner(Description d, MlpModule network) => d.Kind == ClassifierKind.Binary
        ? new(network, [d.FeatureCount], 1, Devices.ForInference(d.Device))
        : new(network, [d.FeatureCount], d.ClassCount, Devices.ForInference(d.Device), x => nn.functional.softmax(network.forward(x), 1));

    /// <summary>What is persisted besides the weights.</summary>
    internal sealed record Description(string FeatureColumnName, int FeatureCount, MlpArchitecture Architecture,
        ClassifierKind Kind, int ClassCount, int InferenceBatchSize, string Device, TrainingHistory? History) : ISavedOptions
    {
        public void Check()
        {
            var check = new OptionChecks(nameof(NeuralNetworkOptions));
            check.ColumnName(FeatureColumnName, nameof(FeatureColumnName));
            check.Accepts(FeatureCount >= 1, "features", FeatureCount, "at least 1");
            check.Required(Architecture, nameof(Architecture), "an MlpArchitecture").Validate(check.Inside(nameof(Architecture)));
            check.Defined(Kind, "kind");
            check.Accepts(ClassCount >= 2, "classes", ClassCount, "at least 2");
            ISavedOptions.CheckInference(check, InferenceBatchSize, Device);
        }
    }

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

    internal override NetworkOnnxDescription OnnxDescription => new("NeuralNetwork", FeatureColumnName, [FeatureCount],
        ClassNames(_labelValues), NetworkOnnxDescription.Vector(FeatureColumnName, [FeatureCount]));

    private protected override void WriteOnnxOutputs(OnnxGraphWriter onnx, string input)
    {
        string logits = OnnxNetwork(onnx, input);
        Func<string, string> column = name => OnnxColumn(onnx, name);
        if (IsBinary)
            ClassifierOutputs.WriteBinaryOnnx(onnx, logits, column);
        else
            ClassifierOutputs.WriteMulticlassOnnx(onnx, logits, column);
    }

    private protected override void SaveModel(ModelSaveContext ctx) =>
        Format.SaveNetwork(ctx, _description, Network, writer => KeyValues.WriteOptional(writer, _labelValues));

    private static BatchedTransformer Create(IHostEnvironment env, ModelLoadContext ctx) => FailedModel.LoadOrFail(ctx, () =>
    {
        var d = Format.LoadDescription<Description>(ctx);
        var labelValues = KeyValues.ReadOptional(ctx.Reader, Format.What);
        var network = new MlpModule(d.Architecture, d.FeatureCount, d.Kind == ClassifierKind.Binary ? 1 : d.ClassCount);
        return new NeuralNetworkTransformer(d, labelValues, Format.LoadNetwork(ctx, network, d.Device));
    });
}
