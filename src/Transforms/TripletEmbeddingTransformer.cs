using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetTriplet;
using MlNetTriplet.Networks;
using MlNetTriplet.Persistence;
using MlNetTriplet.Training;
using MlNetTriplet.Transforms;
using TorchSharp;

[assembly: LoadableClass(typeof(TripletEmbeddingTransformer), null, typeof(SignatureLoadModel),
    "MlNetTriplet triplet embedding", TripletEmbeddingTransformer.LoaderSignature)]

namespace MlNetTriplet;

/// <summary>A trained embedding network. <see cref="BatchedTransformer.Transform"/> adds the embedding column
/// (<c>Vector&lt;Single, EmbeddingSize&gt;</c>), computed lazily in batches inside the cursor. Saves and loads with
/// <c>mlContext.Model</c>; works with <c>PredictionEngine</c>.</summary>
public sealed class TripletEmbeddingTransformer : BatchedTransformer, IDisposable
{
    internal const string LoaderSignature = "MlNetTripletEmbedding";

    // 0x00010001: first format (description JSON, Network.bin).
    private static VersionInfo Version => new("MLNTTRPE", verWrittenCur: 0x00010001, verReadableCur: 0x00010001,
        verWeCanReadBack: 0x00010001, loaderSignature: LoaderSignature,
        loaderAssemblyName: typeof(TripletEmbeddingTransformer).Assembly.GetName().Name);

    private readonly IHost _host;
    private readonly Description _description;
    private readonly EmbeddingNetwork _network;
    private readonly NetworkRunner _runner;

    internal TripletEmbeddingTransformer(IHostEnvironment env, Description description, EmbeddingNetwork network)
    {
        _host = env.Register(nameof(TripletEmbeddingTransformer));
        _description = description;
        _network = network;
        int size = description.Network.EmbeddingSize;
        _runner = new NetworkRunner(network, description.Network.RowShape, size, Devices.ForInference(description.Device));
        var output = OutputColumn.Vector(description.OutputColumnName, size, DataViewSchema.Annotations.Empty);
        Mapping = new NetworkMapping(description.FeatureColumnName, _runner, [output], description.InferenceBatchSize,
            "feature");
    }

    private protected override NetworkMapping Mapping { get; }

    /// <summary>What is persisted besides the weights.</summary>
    internal sealed record Description(string FeatureColumnName, string OutputColumnName, EmbeddingNetworkSpec Network,
        int InferenceBatchSize, string Device, TrainingHistory? History);

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

    /// <summary>Per-epoch figures of the training run that produced this model (kept in the saved zip).</summary>
    public TrainingHistory? History => _description.History;

    private protected override void SaveModel(ModelSaveContext ctx) => ModelStreams.Save(ctx, Version, _description, _network);

    private static TripletEmbeddingTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        const string what = "triplet embedding";
        var description = ModelStreams.LoadDescription<Description>(ctx, Version, what);
        var network = new EmbeddingNetwork(description.Network);
        ModelStreams.LoadNetwork(ctx, network, what);
        network.to(Devices.ForInference(description.Device));
        return new TripletEmbeddingTransformer(env, description, network);
    }

    /// <summary>Frees the network's native memory.</summary>
    public void Dispose() => _runner.Dispose();
}
