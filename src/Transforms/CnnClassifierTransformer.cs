using MlNetTriplet.Checks;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Batches;
using Microsoft.ML.Runtime;
using MlNetTriplet;
using MlNetTriplet.Export;
using MlNetTriplet.Images;
using MlNetTriplet.Networks;
using MlNetTriplet.Data;
using MlNetTriplet.Persistence;
using MlNetTriplet.Training;
using MlNetTriplet.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet;

/// <summary>A trained convolutional classifier. <see cref="BatchedTransformer.Transform"/> adds <c>Score</c> (class
/// probabilities, <c>Vector&lt;Single, classes&gt;</c>) and <c>PredictedLabel</c> (a key whose values are the training
/// labels), computed lazily in batches inside the cursor. Saves and loads with <c>mlContext.Model</c>.</summary>
public sealed class CnnClassifierTransformer : NetworkTransformer
{
    private static readonly ModelFormat Format = ModelFormats.Cnn;

    private readonly Description _description;
    private readonly KeyValues? _labelValues;

    internal CnnClassifierTransformer(Description description, KeyValues? labelValues, CnnModule network)
        : this(description, labelValues, Runner(description, network))
    {
    }

    private CnnClassifierTransformer(Description description, KeyValues? labelValues, NetworkRunner runner)
        : base(runner, new BatchedMapping(Input(description), runner,
            ClassifierOutputs.Multiclass(description.ClassCount, labelValues), description.InferenceBatchSize),
            description.History)
    {
        _description = description;
        _labelValues = labelValues;
    }

    /// <summary>How a photo becomes the network's input: the shorter side resized to the larger of the height and
    /// width, then the centre cropped (ML.NET's ResizeImages with its default IsoCrop, torchvision's Resize + CenterCrop).</summary>
    internal static ImageGeometry PhotoGeometry(ImageShape shape) => new(shape, Math.Max(shape.Height, shape.Width));

    private static IInputColumn Input(Description d) => d.Photos
        ? new ImageInput(d.FeatureColumnName, PhotoGeometry(d.ImageShape))
        : new VectorInput(d.FeatureColumnName, "feature", d.ImageShape.Size);

    private static NetworkRunner Runner(Description d, CnnModule network) =>
        new(network, [d.ImageShape.Channels, d.ImageShape.Height, d.ImageShape.Width], d.ClassCount,
            Devices.ForInference(d.Device), x => nn.functional.softmax(network.forward(x), 1));

    /// <summary>What is persisted besides the weights.</summary>
    /// <remarks><paramref name="Photos"/>: trained on a photo column (paths or LoadImages images), which inference then
    /// reads the same way; false (and absent from zips before photos) for vectors.</remarks>
    internal sealed record Description(string FeatureColumnName, ImageShape ImageShape, CnnArchitecture Architecture,
        int ClassCount, int InferenceBatchSize, string Device, TrainingHistory? History, bool Photos = false) : ISavedOptions
    {
        public void Check()
        {
            var check = new OptionChecks("CnnClassifierTrainer.Options");
            check.ColumnName(FeatureColumnName, nameof(FeatureColumnName));
            ImageShape.Validate(check, nameof(ImageShape));
            check.Required(Architecture, nameof(Architecture), "a CnnArchitecture").Validate(check.Inside(nameof(Architecture)));
            check.Accepts(ClassCount >= 2, "classes", ClassCount, "at least 2");
            ISavedOptions.CheckInference(check, InferenceBatchSize, Device);
        }
    }

    /// <summary>Name of the input column holding the C x H x W images.</summary>
    public string FeatureColumnName => _description.FeatureColumnName;

    /// <summary>Shape of one input image.</summary>
    public ImageShape ImageShape => _description.ImageShape;

    /// <summary>Number of classes (the size of <c>Score</c>).</summary>
    public int ClassCount => _description.ClassCount;

    /// <summary>The network's architecture.</summary>
    public CnnArchitecture Architecture => _description.Architecture;

    internal CnnModule Cnn => (CnnModule)Network;

    internal override NetworkOnnxDescription OnnxDescription => new("CnnClassifier", FeatureColumnName,
        [ImageShape.Channels, ImageShape.Height, ImageShape.Width], ClassNames(_labelValues),
        _description.Photos
            ? NetworkOnnxDescription.Photos(ImageShape, PhotoGeometry(ImageShape).ResizeShorterSide, "Nothing else: the network takes these values as they are.")
            : NetworkOnnxDescription.Vector(FeatureColumnName, [ImageShape.Channels, ImageShape.Height, ImageShape.Width]));

    private protected override void WriteOnnxOutputs(OnnxGraphWriter onnx, string input) =>
        ClassifierOutputs.WriteMulticlassOnnx(onnx, OnnxNetwork(onnx, input), name => OnnxColumn(onnx, name));

    private protected override void SaveModel(ModelSaveContext ctx) =>
        Format.SaveNetwork(ctx, _description, Network, writer => KeyValues.WriteOptional(writer, _labelValues));

    private static BatchedTransformer Create(IHostEnvironment env, ModelLoadContext ctx) => FailedModel.LoadOrFail(ctx, () =>
    {
        var d = Format.LoadDescription<Description>(ctx);
        var labelValues = KeyValues.ReadOptional(ctx.Reader, Format.What);
        var network = new CnnModule(d.Architecture, d.ImageShape, d.ClassCount);
        return new CnnClassifierTransformer(d, labelValues, Format.LoadNetwork(ctx, network, d.Device));
    });
}
