using MlNetTriplet.Checks;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetTriplet;
using MlNetTriplet.Export;
using MlNetTriplet.Networks;
using MlNetTriplet.Persistence;
using MlNetTriplet.Training;
using MlNetTriplet.Transforms;
using TorchSharp;

namespace MlNetTriplet;

/// <summary>A trained embedding network. <see cref="BatchedTransformer.Transform"/> adds the embedding column
/// (<c>Vector&lt;Single, EmbeddingSize&gt;</c>), computed lazily in batches inside the cursor. Saves and loads with
/// <c>mlContext.Model</c>; works with <c>PredictionEngine</c>.</summary>
public sealed class TripletEmbeddingTransformer : NetworkTransformer
{
    private static readonly ModelFormat Format = ModelFormats.Triplet;

    private readonly Description _description;

    internal TripletEmbeddingTransformer(Description description, EmbeddingNetwork network)
        : this(description, new NetworkRunner(network, description.Network.RowShape, description.Network.EmbeddingSize,
            Devices.ForInference(description.Device)))
    {
    }

    private TripletEmbeddingTransformer(Description description, NetworkRunner runner)
        : base(runner, new BatchedMapping(description.FeatureColumnName, runner,
            [OutputColumn.Vector(description.OutputColumnName, description.Network.EmbeddingSize, DataViewSchema.Annotations.Empty)],
            description.InferenceBatchSize, "feature"), description.History)
    {
        _description = description;
    }

    /// <summary>What is persisted besides the weights.</summary>
    internal sealed record Description(string FeatureColumnName, string OutputColumnName, EmbeddingNetworkSpec Network,
        int InferenceBatchSize, string Device, TrainingHistory? History) : ISavedOptions
    {
        public void Check()
        {
            var check = new OptionChecks(nameof(TripletEmbeddingOptions));
            check.ColumnName(FeatureColumnName, nameof(FeatureColumnName));
            check.ColumnName(OutputColumnName, nameof(OutputColumnName));
            check.Required(Network, "network", "the network's description").Check(check);
            ISavedOptions.CheckInference(check, InferenceBatchSize, Device);
        }
    }

    /// <summary>Name of the input column.</summary>
    public string FeatureColumnName => _description.FeatureColumnName;

    /// <summary>Name of the embedding column this transformer adds.</summary>
    public string OutputColumnName => _description.OutputColumnName;

    /// <summary>Size of the embedding.</summary>
    public int EmbeddingSize => _description.Network.EmbeddingSize;

    /// <summary>Shape of one input image, or null for a network on plain feature vectors.</summary>
    public ImageShape? ImageShape => _description.Network.ImageShape;

    /// <summary>The CNN that embeds images, or null for a network on plain feature vectors.</summary>
    public CnnArchitecture? Architecture => _description.Network.Cnn;

    /// <summary>The MLP that embeds plain feature vectors, or null for a CNN.</summary>
    public MlpArchitecture? Mlp => _description.Network.Mlp;

    /// <summary>True when every embedding has unit L2 norm.</summary>
    public bool IsNormalized => _description.Network.Normalize;

    internal override NetworkOnnxDescription OnnxDescription => new("TripletEmbedding", FeatureColumnName,
        _description.Network.RowShape, null, NetworkOnnxDescription.Vector(FeatureColumnName, _description.Network.RowShape) +
        (IsNormalized ? " The graph ends with the L2 normalisation: every embedding has unit norm." : ""));

    private protected override void WriteOnnxOutputs(OnnxGraphWriter onnx, string input) =>
        onnx.NodeInto("Identity", [OnnxNetwork(onnx, input)], OnnxColumn(onnx, OutputColumnName));

    private protected override void SaveModel(ModelSaveContext ctx) => Format.SaveNetwork(ctx, _description, Network);

    private static BatchedTransformer Create(IHostEnvironment env, ModelLoadContext ctx) => FailedModel.LoadOrFail(ctx, () =>
    {
        var d = Format.LoadDescription<Description>(ctx);
        return new TripletEmbeddingTransformer(d, Format.LoadNetwork(ctx, new EmbeddingNetwork(d.Network), d.Device));
    });
}
