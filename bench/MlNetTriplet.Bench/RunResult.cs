namespace MlNetTriplet.Bench;

/// <summary>Every figure of one run of one side. Children print it as a JSON line; the peer's JSON is mapped to it.</summary>
internal sealed record RunResult
{
    public required string Side { get; init; }
    public int Round { get; init; }
    /// <summary>Position of the run within its round (0 = first): the order rotates to spread drift.</summary>
    public int OrderInRound { get; init; }
    public required string Runtime { get; init; }
    public int Epochs { get; init; }
    public int Threads { get; init; }
    public int Seed { get; init; }
    public int BatchSize { get; init; }
    public int? EvalBatchSize { get; init; }
    public int NTrain { get; init; }
    public int NTest { get; init; }
    public bool AllocatorTuned { get; init; }

    /// <summary>Reading the IDX files (and, for the bare loop, copying them into tensors); never timed as training.</summary>
    public double LoadSeconds { get; init; }
    /// <summary>Sum of the epochs' training-step time: the figure the throughput is computed from.</summary>
    public double TrainSeconds { get; init; }
    public long TrainImages { get; init; }
    public double TrainImagesPerSecond { get; init; }
    /// <summary>Package only: wall time of the whole <c>pipeline.Fit</c> (IDataView read, tensors, training).</summary>
    public double? FitSeconds { get; init; }
    public double EvalSeconds { get; init; }
    public double EvalImagesPerSecond { get; init; }
    public double TestAccuracy { get; init; }
    /// <summary>Peak resident memory of the run's own process (VmHWM; ru_maxrss for the peer), MiB.</summary>
    public double PeakRssMb { get; init; }
    /// <summary>RSS growth from the end of epoch 2 to the end of the last epoch, %; null below 3 epochs or unsampled.</summary>
    public double? MemoryGrowthPercent { get; init; }
    /// <summary>Wall time of the child process as the parent saw it (start-up and loading included).</summary>
    public double ProcessSeconds { get; init; }
    /// <summary>/proc/loadavg (1, 5, 15 min) just before and after the run: a busy neighbour shows up here.</summary>
    public string? LoadAverageBefore { get; init; }
    public string? LoadAverageAfter { get; init; }
    public IReadOnlyList<EpochFigures> EpochDetails { get; init; } = [];
    public IReadOnlyDictionary<string, string?> OmpEnv { get; init; } = new Dictionary<string, string?>();

    /// <summary>(last - epoch 2) / epoch 2 of the per-epoch RSS samples, when there are at least three.</summary>
    public static double? GrowthFromEpoch2(IReadOnlyList<EpochFigures> epochs)
    {
        if (epochs.Count < 3 || epochs[1].RssMb is not double second || epochs[^1].RssMb is not double last)
            return null;
        return (last - second) / second * 100;
    }
}

/// <summary>One epoch of a run; <see cref="RssMb"/> is sampled at the end of the epoch (null for the peer).</summary>
internal sealed record EpochFigures(int Epoch, double Seconds, long Images, double ImagesPerSecond, double Loss,
    double? TrainAccuracy, double? RssMb);
