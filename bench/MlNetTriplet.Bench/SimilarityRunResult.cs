namespace MlNetTriplet.Bench;

/// <summary>Every figure of one photo-similarity run of one side (package or PyTorch peer) in one mode.
/// <see cref="TrainingRunResult.NTrain"/> counts the training classes' photos, <see cref="TrainingRunResult.NTest"/> the
/// held-out classes' photos; <see cref="TrainingRunResult.TrainImagesPerSecond"/> is the head's steps on cached
/// features in <c>frozen</c> mode.</summary>
internal sealed record SimilarityRunResult : PhotoRunResult
{
    public int TrainClasses { get; init; }
    public int HeldOutClasses { get; init; }
    /// <summary>P x K of the training batches as run (P at most the training classes).</summary>
    public int ClassesPerBatch { get; init; }
    public int SamplesPerClass { get; init; }
    /// <summary>Retrieval among the held-out photos with the trained embeddings (Euclidean).</summary>
    public required Retrieval Trained { get; init; }
    /// <summary>The same with the untrained backbone's pooled features (Euclidean): what training must beat, and the
    /// same on both sides when they read and prepare the photos alike.</summary>
    public required Retrieval Baseline { get; init; }
    /// <summary>Held-out photos / wall time of embedding them with the trained network and scoring retrieval (package:
    /// <c>Evaluate(embedder.Transform(heldOut))</c>; peer: its eval loader through the network); null for the peer in
    /// frozen mode, which embeds cached features.</summary>
    public double? EmbedImagesPerSecond { get; init; }
}

/// <summary>P@1, R-precision and MAP@R of held-out photos each querying all the others (pytorch-metric-learning's
/// definitions).</summary>
internal sealed record Retrieval(double PrecisionAt1, double RPrecision, double MapAtR);
