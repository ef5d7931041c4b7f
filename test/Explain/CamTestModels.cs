using Microsoft.ML;
using MlNetTriplet.Backbones;
using MlNetTriplet.Data;
using MlNetTriplet.Networks;
using static TorchSharp.torch;

namespace MlNetTriplet.Tests.Explain;

/// <summary>Classifiers for the map tests, built directly with seeded random weights (the maps' arithmetic does not
/// need a trained network; the localisation tests use the trained scene CNN of the PyTorch fixture instead).</summary>
internal static class CamTestModels
{
    /// <summary>A small CNN classifier of <see cref="ClutterScenes"/> images with the scene labels.</summary>
    public static CnnClassifierTransformer Cnn(CnnArchitecture architecture, int seed, int batchSize = 16) =>
        Cnn(architecture, ClutterScenes.Shape, SceneLabels.Value, seed, batchSize);

    public static CnnClassifierTransformer Cnn(CnnArchitecture architecture, ImageShape shape, KeyValues labels, int seed,
        int batchSize = 16)
    {
        manual_seed(seed);
        var network = new CnnModule(architecture, shape, labels.Count);
        var description = new CnnClassifierTransformer.Description("Features", shape, architecture, labels.Count, batchSize,
            "cpu", null);
        return new CnnClassifierTransformer(description, labels, network);
    }

    /// <summary>Two blocks (8 and 12 filters, each with 2 x 2 max pooling: 12 x 12 maps at 48 x 48), a global average
    /// pool head with dropout (inactive at inference).</summary>
    public static readonly CnnArchitecture SmallGap = new()
    {
        Blocks = [new ConvBlock { Filters = 8, BatchNorm = true }, new ConvBlock { Filters = 12 }],
        Head = CnnHead.GlobalAveragePool,
        HeadDropout = 0.3f,
    };

    /// <summary>The same blocks with a dense head straight to the classes (flatten, one linear layer).</summary>
    public static readonly CnnArchitecture SmallDense = SmallGap with { Head = CnnHead.Dense, DenseUnits = [] };

    /// <summary>A transfer-learning classifier on a randomly initialised ResNet-18 taking 64 x 64 photos (resized to
    /// 72 on the shorter side), with two classes.</summary>
    public static TransferLearningTransformer Transfer(int seed, string imageColumn = "ImagePath")
    {
        manual_seed(seed);
        var spec = new BackboneSpec("random resnet18", BackboneArchitecture.ResNet18, BackbonePreprocessing.TorchVisionImageNet,
            64, 72);
        var description = new TransferLearningTransformer.Description(imageColumn, spec, 2, 0.2f, TransferMode.FrozenBackbone,
            null, 0, 4, "cpu", null);
        return new TransferLearningTransformer(description, Labels("ants", "bees"),
            new TransferNetwork(BackboneModule.Create(spec), 2, 0.2f));
    }

    /// <summary>Text key values, as MapValueToKey records them.</summary>
    public static KeyValues Labels(params string[] names)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(names.Select(n => new LabelRow { Label = n }));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByOccurrence)
            .Fit(data).Transform(data);
        return KeyValues.FromColumn(keyed.Schema["Label"])!;
    }

    private static readonly Lazy<KeyValues> SceneLabels = new(() => Labels(ClutterScenes.Classes));

    private sealed class LabelRow
    {
        public string Label { get; set; } = "";
    }
}
