using MlNetTriplet.Checks;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Batches;
using Microsoft.ML.Runtime;
using MlNetTriplet.Backbones;
using MlNetTriplet.Export;
using MlNetTriplet.Images;
using MlNetTriplet.Networks;
using MlNetTriplet.Data;
using MlNetTriplet.Persistence;
using MlNetTriplet.Training;
using MlNetTriplet.Transforms;
using static TorchSharp.torch;

namespace MlNetTriplet;

/// <summary>A trained transfer-learning image classifier. <see cref="BatchedTransformer.Transform"/> reads the photo
/// column (paths, LoadImages images or prepared vectors), prepares each photo as in training's evaluation (shorter side
/// resized, centre crop) and adds <c>Score</c> (class probabilities) and <c>PredictedLabel</c> (a key whose values are
/// the training labels), and the pooled backbone features when asked for, computed lazily in batches. The saved zip
/// holds the whole network: it loads without the weights' original files or packages.</summary>
public sealed class TransferLearningTransformer : NetworkTransformer
{
    private static readonly ModelFormat Format = ModelFormats.TransferLearning;

    private readonly Description _description;
    private readonly KeyValues? _labelValues;

    internal TransferLearningTransformer(Description description, KeyValues? labelValues, TransferNetwork network)
        : this(description, labelValues, Runner(description, network))
    {
    }

    private TransferLearningTransformer(Description description, KeyValues? labelValues, NetworkRunner runner)
        : base(runner, new BatchedMapping(new ImageInput(description.ImageColumnName, description.Backbone.Geometry),
            runner, Outputs(description, labelValues, runner.OutputWidth - description.ClassCount),
            description.InferenceBatchSize), description.History)
    {
        _description = description;
        _labelValues = labelValues;
    }

    /// <summary>What is persisted besides the weights.</summary>
    internal sealed record Description(string ImageColumnName, BackboneSpec Backbone, int ClassCount, float HeadDropout,
        TransferMode Mode, string? FeaturesColumnName, int SkippedImageCount, int InferenceBatchSize, string Device,
        TrainingHistory? History) : ISavedOptions
    {
        public void Check()
        {
            var check = new OptionChecks("TransferLearningTrainer.Options");
            check.ColumnName(ImageColumnName, nameof(ImageColumnName));
            check.ColumnName(FeaturesColumnName, nameof(FeaturesColumnName), optional: true);
            check.Required(Backbone, nameof(Backbone), "the backbone's description");
            check.Accepts(ClassCount >= 2, "classes", ClassCount, "at least 2");
            check.Accepts(HeadDropout is >= 0 and < 1, nameof(HeadDropout), HeadDropout, "a number in [0, 1)");
            check.Defined(Mode, nameof(Mode));
            ISavedOptions.CheckInference(check, InferenceBatchSize, Device);
        }
    }

    /// <summary>Name of the photo column the model reads.</summary>
    public string ImageColumnName => _description.ImageColumnName;

    /// <summary>What the backbone's weights were, e.g. "resnet18-imagenet (CNTK, ...)".</summary>
    public string BackboneName => _description.Backbone.Name;

    /// <summary>The backbone's architecture.</summary>
    public BackboneArchitecture Architecture => _description.Backbone.Architecture;

    /// <summary>Side of the square crop each photo becomes (after resizing its shorter side to
    /// <see cref="ResizeShorterSide"/>).</summary>
    public int ImageSize => _description.Backbone.ImageSize;

    /// <summary>Shorter side photos are resized to before the centre crop.</summary>
    public int ResizeShorterSide => _description.Backbone.ResizeShorterSide;

    /// <summary>Number of classes (the size of <c>Score</c>).</summary>
    public int ClassCount => _description.ClassCount;

    /// <summary>How the model was trained.</summary>
    public TransferMode Mode => _description.Mode;

    /// <summary>The pooled-features column this transformer adds, or null.</summary>
    public string? FeaturesColumnName => _description.FeaturesColumnName;

    /// <summary>Size of the pooled features (the backbone's last channels).</summary>
    public int FeatureCount => Network.Backbone.FeatureChannels;

    /// <summary>Unreadable training or validation photos left out (with <c>SkipUnreadableImages</c>).</summary>
    public int SkippedImageCount => _description.SkippedImageCount;

    internal new TransferNetwork Network => (TransferNetwork)base.Network;

    private static NetworkRunner Runner(Description d, TransferNetwork network)
    {
        long[] rowShape = d.Backbone.Geometry.Shape.Dims;
        var device = Devices.ForInference(d.Device);
        if (d.FeaturesColumnName is null)
            return new NetworkRunner(network, rowShape, d.ClassCount, device, x => nn.functional.softmax(network.forward(x), 1));
        return new NetworkRunner(network, rowShape, d.ClassCount + network.Backbone.FeatureChannels, device, x =>
        {
            var pooled = network.PooledFeatures(x);
            return cat([nn.functional.softmax(network.Head.forward(pooled), 1), pooled], 1);
        });
    }

    /// <summary>Score and PredictedLabel from the output's first values, then the pooled features when asked for.</summary>
    private static List<OutputColumn> Outputs(Description d, KeyValues? labelValues, int featureCount)
    {
        var outputs = ClassifierOutputs.Multiclass(d.ClassCount, labelValues);
        if (d.FeaturesColumnName is { } features)
            outputs.Add(OutputColumn.Vector(features, featureCount, DataViewSchema.Annotations.Empty, offset: d.ClassCount));
        return outputs;
    }

    internal override NetworkOnnxDescription OnnxDescription => new("TransferLearning", ImageColumnName,
        _description.Backbone.Geometry.Shape.Dims, ClassNames(_labelValues), NetworkOnnxDescription.BackbonePhotos(_description.Backbone));

    private protected override void WriteOnnxOutputs(OnnxGraphWriter onnx, string input)
    {
        var network = onnx.Scope("network");
        string pooled = Network.ExportPooledFeatures(network, input);
        ClassifierOutputs.WriteMulticlassOnnx(onnx, Network.ExportHead(network, pooled), name => OnnxColumn(onnx, name));
        if (FeaturesColumnName is { } features)
            onnx.NodeInto("Identity", [pooled], OnnxColumn(onnx, features));
    }

    private protected override void SaveModel(ModelSaveContext ctx) =>
        Format.SaveNetwork(ctx, _description, Network, writer => KeyValues.WriteOptional(writer, _labelValues));

    private static BatchedTransformer Create(IHostEnvironment env, ModelLoadContext ctx) => FailedModel.LoadOrFail(ctx, () =>
    {
        var d = Format.LoadDescription<Description>(ctx);
        var labelValues = KeyValues.ReadOptional(ctx.Reader, Format.What);
        var network = new TransferNetwork(BackboneModule.Create(d.Backbone), d.ClassCount, d.HeadDropout);
        return new TransferLearningTransformer(d, labelValues, Format.LoadNetwork(ctx, network, d.Device));
    });
}
