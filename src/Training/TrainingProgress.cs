namespace MlNetTriplet;

/// <summary>What a training run is doing when it reports <see cref="TrainingProgress"/>.</summary>
public enum TrainingPhase
{
    /// <summary>Work before the first training step, such as computing a frozen backbone's features once per image.</summary>
    Preparing,
    /// <summary>Training steps of an epoch.</summary>
    Training,
    /// <summary>Evaluating the validation data after an epoch.</summary>
    Validating,
}

/// <summary>Progress within a phase of training, passed to <see cref="NetworkTrainingOptions.ProgressCallback"/>
/// about twice a second and at the end of every phase, so a long epoch never runs silently.</summary>
/// <param name="Phase">What is running.</param>
/// <param name="Epoch">1-based epoch (0 while <see cref="TrainingPhase.Preparing"/>).</param>
/// <param name="Epochs">Epochs planned.</param>
/// <param name="Step">Steps (batches) done in this phase.</param>
/// <param name="Steps">Steps the phase has in all.</param>
/// <param name="Examples">Examples processed in this phase so far.</param>
/// <param name="Seconds">Wall time of this phase so far.</param>
/// <param name="Loss">Mean training loss over this epoch's steps so far (null outside <see cref="TrainingPhase.Training"/>).</param>
public sealed record TrainingProgress(TrainingPhase Phase, int Epoch, int Epochs, int Step, int Steps, long Examples,
    double Seconds, double? Loss)
{
    /// <summary>Throughput of the phase so far.</summary>
    public double ExamplesPerSecond => Seconds > 0 ? Examples / Seconds : 0;

    /// <summary>Estimated seconds until the phase ends, from its pace so far (null before the first step).</summary>
    public double? SecondsLeft => Step > 0 ? Seconds * Math.Max(Steps - Step, 0) / Step : null;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Phase}{(Epoch > 0 ? $" epoch {Epoch}/{Epochs}" : "")}: step {Step}/{Steps}, {ExamplesPerSecond:F0} examples/s" +
        (Loss is double l ? $", loss {l:F4}" : "") + (SecondsLeft is double s && Step < Steps ? $", {s:F0} s left" : "");
}
