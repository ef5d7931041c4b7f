using System.Text.Json.Serialization;
using Microsoft.ML;

namespace MlNetTriplet.Bench;

/// <summary>Retrieval among one group of test images (each queries all the others; the package's
/// <c>ml.Embeddings().Evaluate</c>, Euclidean) and how the vectors spread.</summary>
internal sealed record RetrievalFigures(double PrecisionAt1, double RPrecision, double MapAtR, EmbeddingSpread Spread)
{
    public static RetrievalFigures Of(MLContext ml, float[][] vectors, uint[] labels)
    {
        var m = TripletUnseenData.Evaluate(ml, vectors, labels);
        return new(m.PrecisionAt1, m.RPrecision, m.MeanAveragePrecisionAtR,
            EmbeddingSpread.Of(vectors, labels, (int)TripletUnseenData.SeenClasses - 1));
    }
}

/// <summary>The embedding after one epoch (0: as initialised), on the seen and the unseen classes' test images.</summary>
internal sealed record UnseenEpoch(int Epoch, double? TrainLoss, double? TrainSeconds, RetrievalFigures Seen, RetrievalFigures Unseen);

/// <summary>An inner layer of the trained network (<see cref="NetworkFeatures"/>) used as the embedding.</summary>
internal sealed record UnseenLayer(string Layer, int Width, RetrievalFigures Seen, RetrievalFigures Unseen);

/// <summary>One setting trained with one seed: the curve over the epochs (every epoch, or 0 and the last with
/// <c>--final-only</c>) and the inner layers after the last epoch.</summary>
internal sealed record TripletUnseenRun(string Setting, int Seed, int TrainRows, bool PerEpoch, int Epochs, double TrainSeconds,
    double WallSeconds, DateTimeOffset Date, string? LoadBefore, string? LoadAfter, IReadOnlyList<UnseenEpoch> Curve,
    IReadOnlyList<UnseenLayer> Layers)
{
    [JsonIgnore]
    public UnseenEpoch Final => Curve[^1];

    /// <summary>Runs that answer the same question: a re-run replaces them in an appended results file.</summary>
    public bool SameAs(TripletUnseenRun other) =>
        Setting == other.Setting && Seed == other.Seed && TrainRows == other.TrainRows && PerEpoch == other.PerEpoch;
}
