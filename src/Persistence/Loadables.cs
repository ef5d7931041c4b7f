using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetTriplet;
using MlNetTriplet.Persistence;

// Every transformer ML.NET can load back from a model zip, in one list: the type whose Create loads it, its display
// name and the loader signature its zip records. A new transformer adds a line here and a ModelFormat below.
// Each Create returns the common base (the first type): a zip that cannot be loaded gives a FailedModel that raises
// the real cause on first use, because ML.NET calls Create through reflection and would otherwise bury our message
// under two "Exception has been thrown by the target of an invocation" layers.
[assembly: LoadableClass(typeof(BatchedTransformer), typeof(CnnClassifierTransformer), null, typeof(SignatureLoadModel),
    "MlNetTriplet CNN classifier", ModelFormats.CnnLoader)]
[assembly: LoadableClass(typeof(BatchedTransformer), typeof(NeuralNetworkTransformer), null, typeof(SignatureLoadModel),
    "MlNetTriplet neural network classifier", ModelFormats.NeuralNetworkLoader)]
[assembly: LoadableClass(typeof(BatchedTransformer), typeof(TripletEmbeddingTransformer), null, typeof(SignatureLoadModel),
    "MlNetTriplet triplet embedding", ModelFormats.TripletLoader)]
[assembly: LoadableClass(typeof(BatchedTransformer), typeof(TransferLearningTransformer), null, typeof(SignatureLoadModel),
    "MlNetTriplet transfer learning classifier", ModelFormats.TransferLearningLoader)]
[assembly: LoadableClass(typeof(BatchedTransformer), typeof(ClassActivationMapTransformer), null, typeof(SignatureLoadModel),
    "MlNetTriplet class activation maps", ModelFormats.ClassActivationMapLoader)]
[assembly: LoadableClass(typeof(BatchedTransformer), typeof(UmapTransformer), null, typeof(SignatureLoadModel),
    "MlNetTriplet UMAP projection", ModelFormats.UmapLoader)]
[assembly: LoadableClass(typeof(BatchedTransformer), typeof(NearestNeighborsTransformer), null, typeof(SignatureLoadModel),
    "MlNetTriplet nearest-neighbour search", ModelFormats.NearestNeighborsLoader)]

namespace MlNetTriplet.Persistence;

/// <summary>The model format of each transformer (see <see cref="ModelFormat"/>). Signatures never change once
/// released: saved zips find their loader through them.</summary>
internal static class ModelFormats
{
    public const string CnnLoader = "MlNetTripletCnnClsf";
    public const string NeuralNetworkLoader = "MlNetTripletNeuralNet";
    public const string TripletLoader = "MlNetTripletEmbedding";
    public const string UmapLoader = "MlNetTripletUmap";
    public const string TransferLearningLoader = "MlNetTripletTransfer";
    public const string ClassActivationMapLoader = "MlNetTripletCam";
    public const string NearestNeighborsLoader = "MlNetTripletKnn";

    public static readonly ModelFormat Cnn = new("MLNTCNNC", CnnLoader, "CNN classifier");
    public static readonly ModelFormat NeuralNetwork = new("MLNTNNET", NeuralNetworkLoader, "neural network classifier");
    public static readonly ModelFormat Triplet = new("MLNTTRPE", TripletLoader, "triplet embedding", ModelFormat.PhotoEmbeddings);
    public static readonly ModelFormat Umap = new("MLNTUMAP", UmapLoader, "UMAP projection");
    public static readonly ModelFormat TransferLearning = new("MLNTXFER", TransferLearningLoader, "transfer learning classifier");
    public static readonly ModelFormat ClassActivationMap = new("MLNTCAMT", ClassActivationMapLoader, "class activation map transform");
    public static readonly ModelFormat NearestNeighbors = new("MLNTKNNS", NearestNeighborsLoader, "nearest-neighbour search");
}
