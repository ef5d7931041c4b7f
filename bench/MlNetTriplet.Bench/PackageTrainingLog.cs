using System.Globalization;

namespace MlNetTriplet.Bench;

/// <summary>What a package photo run (<c>transfer-one</c>, <c>similarity-one</c>) learns from its trainer's callbacks:
/// the end of each Preparing pass (a frozen backbone's features: its photos and seconds) and every epoch's figures
/// (<see cref="EpochMetrics.Seconds"/>: from the start of enumerating the epoch's batches to the end of its last step),
/// each printed to stderr as it comes.</summary>
internal sealed class PackageTrainingLog(string label)
{
    private readonly List<TrainingProgress> _preparing = [];
    private readonly List<EpochFigures> _epochs = [];

    public IReadOnlyList<EpochFigures> Epochs => _epochs;

    /// <summary>For <see cref="NetworkTrainingOptions.ProgressCallback"/>.</summary>
    public void Progress(TrainingProgress p)
    {
        if (p.Phase != TrainingPhase.Preparing || p.Step != p.Steps)
            return;
        _preparing.Add(p);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  [{label}] features of {p.Examples} photos: {p.ExamplesPerSecond:F1} img/s, RSS {ProcessMemory.CurrentRssMb():F0} MB"));
    }

    /// <summary>For <see cref="NetworkTrainingOptions.MetricsCallback"/>.</summary>
    public void Epoch(EpochMetrics m)
    {
        var figures = new EpochFigures(m.Epoch, m.Seconds, m.Examples, m.ExamplesPerSecond, m.TrainLoss,
            m.TrainAccuracy, ProcessMemory.CurrentRssMb());
        _epochs.Add(figures);
        string accuracies = (m.TrainAccuracy is double t ? string.Create(CultureInfo.InvariantCulture, $" train_acc {t:F4}") : "")
            + (m.ValidationAccuracy is double v ? string.Create(CultureInfo.InvariantCulture, $" val_acc {v:F4}") : "");
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  [{label}] epoch {m.Epoch}: loss {m.TrainLoss:F4}{accuracies} {m.ExamplesPerSecond:F1} img/s, RSS {figures.RssMb:F0} MB"));
    }

    /// <summary>Photos of the Preparing passes; null when there were none (the backbone trained).</summary>
    public long? FeatureImages => _preparing.Count > 0 ? _preparing.Sum(p => p.Examples) : null;
    public double? FeatureSeconds => _preparing.Count > 0 ? _preparing.Sum(p => p.Seconds) : null;
    public double? FeatureImagesPerSecond => FeatureImages / FeatureSeconds;

    public double TrainSeconds => _epochs.Sum(e => e.Seconds);
    public long TrainImages => _epochs.Sum(e => e.Images);
    public double TrainImagesPerSecond => TrainImages / TrainSeconds;
}
