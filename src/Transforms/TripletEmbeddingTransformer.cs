using MlNetTriplet.Checks;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetTriplet.Backbones;
using MlNetTriplet.Batches;
using MlNetTriplet.Export;
using MlNetTriplet.Networks;
using MlNetTriplet.Persistence;
using MlNetTriplet.Training;
using MlNetTriplet.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet;

/// <summary>A trained embedding network. <see cref="BatchedTransformer.Transform"/> adds the embedding column
/// (<c>Vector&lt;Single, EmbeddingSize&gt;</c>), computed lazily in batches inside the cursor; photos (paths,
/// LoadImages images or prepared vectors) are prepared as in training's evaluation (shorter side resized, centre crop).
/// Saves and loads with <c>mlContext.Model</c> (the zip holds the whole network, a backbone too); works with
/// <c>PredictionEngine</c>.</summary>
public sealed class TripletEmbeddingTransformer : NetworkTransformer
{
    private static readonly ModelFormat Format = ModelFormats.Triplet;

    private readonly Description _description;

    internal TripletEmbeddingTransformer(Description description, EmbeddingNetwork network)
        : this(description, (nn.Module<Tensor, Tensor>)network)
    {
    }

    internal TripletEmbeddingTransformer(Description description, TransferNetwork network)
        : this(description, (nn.Module<Tensor, Tensor>)network)
    {
    }

    private TripletEmbeddingTransformer(Description description, nn.Module<Tensor, Tensor> network)
        : this(description, new NetworkRunner(network, description.RowShape(), description.EmbeddingSize(),
            Devices.ForInference(description.Device)))
    {
    }

    private TripletEmbeddingTransformer(Description description, NetworkRunner runner)
        : base(runner, new BatchedMapping(Input(description, runner),
            runner, [OutputColumn.Vector(description.OutputColumnName, description.EmbeddingSize(), DataViewSchema.Annotations.Empty)],
            description.InferenceBatchSize), description.History)
    {
        _description = description;
    }

    /// <summary>What is persisted besides the weights: exactly one of <see cref="Network"/> (a CNN or MLP on vectors) and
    /// <see cref="Photos"/> (a backbone and an embedding head on photos; absent from zips older than photo embeddings).</summary>
    internal sealed record Description(string FeatureColumnName, string OutputColumnName, EmbeddingNetworkSpec? Network,
        int InferenceBatchSize, string Device, TrainingHistory? History, PhotoNetwork? Photos = null) : ISavedOptions
    {
        public int EmbeddingSize() => Photos?.EmbeddingSize ?? Network!.EmbeddingSize;

        public long[] RowShape() => Photos?.Backbone.Geometry.Shape.Dims ?? Network!.RowShape;

        public void Check()
        {
            var check = new OptionChecks(nameof(TripletEmbeddingOptions));
            check.ColumnName(FeatureColumnName, nameof(FeatureColumnName));
            check.ColumnName(OutputColumnName, nameof(OutputColumnName));
            check.Compatible(Network is null || Photos is null, "Backbone", OptionChecks.Set, "network", OptionChecks.Set,
                "one network: a backbone for photos or a CNN or MLP for vectors");
            if (Photos is null)
                check.Required(Network, "network", "the network's description").Check(check);
            else
                Photos.Check(check);
            ISavedOptions.CheckInference(check, InferenceBatchSize, Device);
        }
    }

    /// <summary>A photo embedding network: the backbone (its weights are in the zip), how it was trained, the head;
    /// with <paramref name="PretrainedFrom"/>, the pretrained weights of blocks PretrainedFrom.. beside the trained ones
    /// (<see cref="PhotoEmbeddingSource.BackboneAndPretrained"/>; absent from zips written before it existed).</summary>
    internal sealed record PhotoNetwork(BackboneSpec Backbone, TransferMode Mode, EmbeddingHeadSpec Head, int SkippedImageCount,
        int? PretrainedFrom = null)
    {
        public int EmbeddingSize => PretrainedFrom is null ? Head.EmbeddingSize : 2 * Head.EmbeddingSize;

        public void Check(OptionChecks check)
        {
            check.Required(Backbone, nameof(Backbone), "the backbone's description").Validate();
            check.Defined(Mode, "BackboneMode");
            check.Required(Head, "head", "the embedding head's description").Check(check);
            check.Accepts(PretrainedFrom is null or >= 0, nameof(PretrainedFrom), PretrainedFrom, "null or a block index");
            check.Compatible(PretrainedFrom is null || (!Head.Project && !Head.BatchNorm && Head.Activation is null), nameof(PretrainedFrom),
                PretrainedFrom, "Head.Project", Head.Project, "null unless the head has no weights (the pooled features, normalised)");
        }

        /// <summary>The network the weights load into.</summary>
        public TransferNetwork Create() => PretrainedFrom is { } shared
            ? new TransferNetwork(BackboneModule.Create(Backbone), Head, BackboneModule.Create(Backbone), shared)
            : new TransferNetwork(BackboneModule.Create(Backbone), Head);
    }

    /// <summary>Name of the input column.</summary>
    public string FeatureColumnName => _description.FeatureColumnName;

    /// <summary>Name of the embedding column this transformer adds.</summary>
    public string OutputColumnName => _description.OutputColumnName;

    /// <summary>Size of the embedding.</summary>
    public int EmbeddingSize => _description.EmbeddingSize();

    /// <summary>Shape of one input image (for photos, the crop the backbone takes, 3 x 224 x 224), or null for a
    /// network on plain feature vectors.</summary>
    public ImageShape? ImageShape => _description.Photos?.Backbone.Geometry.Shape ?? _description.Network!.ImageShape;

    /// <summary>The CNN that embeds images, or null for a network on plain feature vectors or on photos.</summary>
    public CnnArchitecture? Architecture => _description.Network?.Cnn;

    /// <summary>The MLP that embeds plain feature vectors, or null for a CNN or a backbone.</summary>
    public MlpArchitecture? Mlp => _description.Network?.Mlp;

    /// <summary>What the pretrained backbone's weights were (e.g. "resnet18-imagenet (CNTK, ...)"), or null for a
    /// network on vectors.</summary>
    public string? BackboneName => _description.Photos?.Backbone.Name;

    /// <summary>The backbone's architecture, or null for a network on vectors.</summary>
    public BackboneArchitecture? BackboneArchitecture => _description.Photos?.Backbone.Architecture;

    /// <summary>How much of the backbone trained, or null for a network on vectors.</summary>
    public TransferMode? BackboneMode => _description.Photos?.Mode;

    /// <summary>Unreadable training or validation photos left out (with <c>SkipUnreadableImages</c>).</summary>
    public int SkippedImageCount => _description.Photos?.SkippedImageCount ?? 0;

    /// <summary>True when every embedding has unit L2 norm.</summary>
    public bool IsNormalized => _description.Photos?.Head.Normalize ?? _description.Network!.Normalize;

    /// <summary>The trained network: an <see cref="EmbeddingNetwork"/> on vectors, a <see cref="TransferNetwork"/> on photos.</summary>
    internal new nn.Module<Tensor, Tensor> Network => base.Network;

    /// <summary>Photos are read as transfer learning reads them; vectors as they are.</summary>
    private static IInputColumn Input(Description d, NetworkRunner runner) => d.Photos is { } photos
        ? new ImageInput(d.FeatureColumnName, photos.Backbone.Geometry)
        : new VectorInput(d.FeatureColumnName, "feature", runner.InputWidth);

    internal override NetworkOnnxDescription OnnxDescription => new("TripletEmbedding", FeatureColumnName,
        _description.RowShape(), null,
        (_description.Photos is { } photos ? NetworkOnnxDescription.BackbonePhotos(photos.Backbone)
            : NetworkOnnxDescription.Vector(FeatureColumnName, _description.RowShape())) +
        (IsNormalized ? " The graph ends with the L2 normalisation: every embedding has unit norm." : ""));

    private protected override void WriteOnnxOutputs(OnnxGraphWriter onnx, string input) =>
        onnx.NodeInto("Identity", [OnnxNetwork(onnx, input)], OnnxColumn(onnx, OutputColumnName));

    private protected override void SaveModel(ModelSaveContext ctx) => Format.SaveNetwork(ctx, _description, Network);

    private static BatchedTransformer Create(IHostEnvironment env, ModelLoadContext ctx) => FailedModel.LoadOrFail(ctx, () =>
    {
        var d = Format.LoadDescription<Description>(ctx);
        return d.Photos is { } photos
            ? new TripletEmbeddingTransformer(d, Format.LoadNetwork(ctx, photos.Create(), d.Device))
            : new TripletEmbeddingTransformer(d, Format.LoadNetwork(ctx, new EmbeddingNetwork(d.Network!), d.Device));
    });
}
