namespace MlNetTriplet.Bench;

/// <summary>Every figure of one CNN classifier run of one side.</summary>
internal sealed record RunResult : TrainingRunResult
{
    public int BatchSize { get; init; }
    public int? EvalBatchSize { get; init; }
    public bool AllocatorTuned { get; init; }
    public double EvalSeconds { get; init; }
    public double EvalImagesPerSecond { get; init; }
    public double TestAccuracy { get; init; }
    /// <summary>RSS growth from the end of epoch 2 to the end of the last epoch, %; null below 3 epochs or unsampled.</summary>
    public double? MemoryGrowthPercent { get; init; }

    /// <summary>(last - epoch 2) / epoch 2 of the per-epoch RSS samples, when there are at least three.</summary>
    public static double? GrowthFromEpoch2(IReadOnlyList<EpochFigures> epochs)
    {
        if (epochs.Count < 3 || epochs[1].RssMb is not double second || epochs[^1].RssMb is not double last)
            return null;
        return (last - second) / second * 100;
    }
}
