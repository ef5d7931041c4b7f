namespace MlNetTriplet.Bench;

/// <summary>Every figure of one triplet run of one side; the peer's JSON is mapped to it, and the retrieval metrics of
/// both sides come from the peer's own metric code (see triplet_metrics.py).</summary>
internal sealed record TripletRunResult
{
    public required string Side { get; init; }
    public required string Recipe { get; init; }
    public int Round { get; init; }
    public int OrderInRound { get; init; }
    public required string Runtime { get; init; }
    public int Epochs { get; init; }
    public int Threads { get; init; }
    public int Seed { get; init; }
    public int NTrain { get; init; }
    public int NTest { get; init; }
    public double LoadSeconds { get; init; }
    /// <summary>Sum of the epochs' training-step time (sampling, forward, backward, step): the throughput's basis.</summary>
    public double TrainSeconds { get; init; }
    /// <summary>Images through the network while training (3 per triplet for the softmax-ratio recipe).</summary>
    public long TrainImages { get; init; }
    public double TrainImagesPerSecond { get; init; }
    /// <summary>Package only: wall time of the whole <c>pipeline.Fit</c>.</summary>
    public double? FitSeconds { get; init; }
    /// <summary>Test images embedded per second (package: the lazy batched cursor; peer: its eval, test + train).</summary>
    public double? EvalImagesPerSecond { get; init; }
    public double PrecisionAt1 { get; init; }
    public double RPrecision { get; init; }
    public double MeanAveragePrecisionAtR { get; init; }
    public double Knn1Accuracy { get; init; }
    public double Knn10Accuracy { get; init; }
    public double PeakRssMb { get; init; }
    public double ProcessSeconds { get; init; }
    public string? LoadAverageBefore { get; init; }
    public string? LoadAverageAfter { get; init; }
    public IReadOnlyList<EpochFigures> EpochDetails { get; init; } = [];
    public IReadOnlyDictionary<string, string?> OmpEnv { get; init; } = new Dictionary<string, string?>();
}
