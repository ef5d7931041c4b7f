namespace MlNetTriplet;

/// <summary>Figures of one training epoch, passed to <see cref="NetworkTrainingOptions.MetricsCallback"/>.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's steps (before the epoch-end weights).</param>
/// <param name="TrainAccuracy">Training accuracy over the epoch (classifiers), else null.</param>
/// <param name="ValidationLoss">Loss on the validation data after the epoch, or null without validation.</param>
/// <param name="ValidationAccuracy">Accuracy on the validation data after the epoch (classifiers), or null.</param>
/// <param name="LearningRate">Learning rate used during the epoch.</param>
/// <param name="Seconds">Wall time of the epoch's training steps (validation excluded).</param>
/// <param name="Examples">Training examples processed in the epoch.</param>
public sealed record EpochMetrics(
    int Epoch, double TrainLoss, double? TrainAccuracy, double? ValidationLoss, double? ValidationAccuracy,
    double LearningRate, double Seconds, long Examples)
{
    /// <summary>Training throughput of the epoch.</summary>
    public double ExamplesPerSecond => Seconds > 0 ? Examples / Seconds : 0;
}

/// <summary>What a training run did: every epoch's figures and the epoch whose weights the model holds.</summary>
/// <param name="Epochs">Per-epoch figures in order (including epochs restored from a checkpoint).</param>
/// <param name="BestEpoch">The epoch whose weights were kept (the last one unless early stopping restored an
/// earlier one).</param>
/// <param name="StoppedEarly">True when early stopping ended training before <c>NumberOfEpochs</c>.</param>
public sealed record TrainingHistory(IReadOnlyList<EpochMetrics> Epochs, int BestEpoch, bool StoppedEarly);
