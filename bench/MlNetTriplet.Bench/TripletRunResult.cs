namespace MlNetTriplet.Bench;

/// <summary>Every figure of one triplet run of one side; the retrieval metrics of both sides come from the peer's own
/// metric code (see triplet_metrics.py).</summary>
internal sealed record TripletRunResult : TrainingRunResult
{
    public required string Recipe { get; init; }
    /// <summary>Test images embedded per second (package: the lazy batched cursor; peer: its eval, test + train).</summary>
    public double? EvalImagesPerSecond { get; init; }
    public double PrecisionAt1 { get; init; }
    public double RPrecision { get; init; }
    public double MeanAveragePrecisionAtR { get; init; }
    public double Knn1Accuracy { get; init; }
    public double Knn10Accuracy { get; init; }
}
