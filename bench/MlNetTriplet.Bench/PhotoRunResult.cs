namespace MlNetTriplet.Bench;

/// <summary>What every run of a photo benchmark against a PyTorch peer records beyond any training run (<c>transfer</c>,
/// <c>similarity</c>): its mode, the frozen backbone's feature pass, and who decoded the photos.</summary>
internal abstract record PhotoRunResult : TrainingRunResult
{
    public required string Mode { get; init; }
    /// <summary>Frozen mode: photos through the backbone once to cache their pooled features.</summary>
    public long? FeatureImages { get; init; }
    /// <summary>Frozen mode: the package's Preparing passes / the peer's feature loops, summed.</summary>
    public double? FeatureSeconds { get; init; }
    public double? FeatureImagesPerSecond { get; init; }
    /// <summary>Package: photo-decoding threads while training; peer: DataLoader worker processes.</summary>
    public int DecoderWorkers { get; init; }
    /// <summary>Peer only: the largest DataLoader worker process's peak RSS (MiB); they are processes of their own.</summary>
    public double? WorkersPeakRssMb { get; init; }
}
