namespace MlNetTriplet.Bench;

/// <summary>What every training run of every benchmark records, whatever it trains: who ran, on what, how fast, how
/// much memory, under what load. Children print it as a JSON line; the peers' JSON is mapped to it.</summary>
internal abstract record TrainingRunResult
{
    public required string Side { get; init; }
    public int Round { get; init; }
    /// <summary>Position of the run within its round (0 = first): the order rotates to spread drift.</summary>
    public int OrderInRound { get; init; }
    public required string Runtime { get; init; }
    public int Epochs { get; init; }
    public int Threads { get; init; }
    public int Seed { get; init; }
    public int NTrain { get; init; }
    public int NTest { get; init; }
    /// <summary>Reading the IDX files (and, for the bare loop, copying them into tensors); never timed as training.</summary>
    public double LoadSeconds { get; init; }
    /// <summary>Sum of the epochs' training-step time: the figure the throughput is computed from.</summary>
    public double TrainSeconds { get; init; }
    /// <summary>Images through the network while training (3 per triplet for the softmax-ratio recipe).</summary>
    public long TrainImages { get; init; }
    public double TrainImagesPerSecond { get; init; }
    /// <summary>Package only: wall time of the whole <c>pipeline.Fit</c> (IDataView read, tensors, training).</summary>
    public double? FitSeconds { get; init; }
    /// <summary>Peak resident memory of the run's own process (VmHWM; ru_maxrss for the peer), MiB.</summary>
    public double PeakRssMb { get; init; }
    /// <summary>Wall time of the child process as the parent saw it (start-up and loading included).</summary>
    public double ProcessSeconds { get; init; }
    /// <summary>/proc/loadavg (1, 5, 15 min) just before and after the run: a busy neighbour shows up here.</summary>
    public string? LoadAverageBefore { get; init; }
    public string? LoadAverageAfter { get; init; }
    public IReadOnlyList<EpochFigures> EpochDetails { get; init; } = [];
    public IReadOnlyDictionary<string, string?> OmpEnv { get; init; } = new Dictionary<string, string?>();
}

/// <summary>One epoch of a run; <see cref="RssMb"/> is sampled at the end of the epoch (null for the peer).</summary>
internal sealed record EpochFigures(int Epoch, double Seconds, long Images, double ImagesPerSecond, double Loss,
    double? TrainAccuracy, double? RssMb);
