using MlNetTriplet.Checks;
using MlNetTriplet.Training;

namespace MlNetTriplet;

/// <summary>Optimiser used by the training loop.</summary>
public enum OptimizerKind
{
    /// <summary>Adam (Kingma and Ba), betas 0.9 / 0.999.</summary>
    Adam,
    /// <summary>Stochastic gradient descent with <see cref="NetworkTrainingOptions.Momentum"/>.</summary>
    Sgd,
}

/// <summary>How the learning rate changes from epoch to epoch.</summary>
public enum LearningRateSchedule
{
    /// <summary>The same learning rate every epoch.</summary>
    Constant,
    /// <summary>Multiplied by <see cref="NetworkTrainingOptions.LearningRateDecay"/> every
    /// <see cref="NetworkTrainingOptions.LearningRateStepEpochs"/> epochs.</summary>
    Step,
    /// <summary>Cosine annealing from the initial rate to zero over <see cref="NetworkTrainingOptions.NumberOfEpochs"/>.</summary>
    Cosine,
}

/// <summary>The validation figure that early stopping watches.</summary>
public enum EarlyStoppingMetric
{
    /// <summary>Validation loss: lower is better.</summary>
    ValidationLoss,
    /// <summary>Validation accuracy: higher is better (classifiers only).</summary>
    ValidationAccuracy,
}

/// <summary>Settings of the training loop shared by every MlNetTriplet estimator. Defaults follow the common
/// PyTorch/Keras recipe: Adam, learning rate 0.001, batch 64, no regularisation, no validation.</summary>
public abstract class NetworkTrainingOptions
{
    /// <summary>Passes over the training data. Default 10.</summary>
    public int NumberOfEpochs { get; set; } = 10;

    /// <summary>Examples per optimisation step. Default 64.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Optimiser. Default <see cref="OptimizerKind.Adam"/>.</summary>
    public OptimizerKind Optimizer { get; set; } = OptimizerKind.Adam;

    /// <summary>Initial learning rate. Default 0.001.</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>Momentum for <see cref="OptimizerKind.Sgd"/>. Default 0.9.</summary>
    public double Momentum { get; set; } = 0.9;

    /// <summary>Learning-rate schedule. Default <see cref="LearningRateSchedule.Constant"/>.</summary>
    public LearningRateSchedule LearningRateSchedule { get; set; } = LearningRateSchedule.Constant;

    /// <summary>Factor applied by the <see cref="LearningRateSchedule.Step"/> schedule. Default 0.1.</summary>
    public double LearningRateDecay { get; set; } = 0.1;

    /// <summary>Epochs between two decays of the <see cref="LearningRateSchedule.Step"/> schedule. Default 10.</summary>
    public int LearningRateStepEpochs { get; set; } = 10;

    /// <summary>L2 penalty: adds <c>L2 * sum(w^2)</c> over the weight matrices and kernels (not biases or
    /// batch-norm parameters) to the loss, as a Keras <c>l2</c> regulariser does. Default 0 (off).</summary>
    public double L2 { get; set; }

    /// <summary>L1 penalty: adds <c>L1 * sum(|w|)</c> over the weight matrices and kernels. Default 0 (off).</summary>
    public double L1 { get; set; }

    /// <summary>Clamp every gradient element to [-value, value] before the step (the notes' clamp to [-1, 1] is 1).
    /// Default null (off).</summary>
    public double? GradientClipValue { get; set; }

    /// <summary>Rescale the gradients so that their global L2 norm is at most this value. Default null (off).</summary>
    public double? GradientClipNorm { get; set; }

    /// <summary>Fraction of the training rows held out for validation when no validation set is given to
    /// <c>Fit</c>; split with the seed, stratified by label for classifiers. Default 0 (no validation).</summary>
    public double ValidationFraction { get; set; }

    /// <summary>Epochs without improvement of <see cref="EarlyStoppingMetric"/> before training stops; the
    /// best epoch's weights are restored. Needs validation data. Default 0 (off).</summary>
    public int EarlyStoppingPatience { get; set; }

    /// <summary>Smallest change of the watched metric that counts as an improvement. Default 0.</summary>
    public double EarlyStoppingMinDelta { get; set; }

    /// <summary>What early stopping watches. Default <see cref="EarlyStoppingMetric.ValidationLoss"/>.</summary>
    public EarlyStoppingMetric EarlyStoppingMetric { get; set; } = EarlyStoppingMetric.ValidationLoss;

    /// <summary>Seed for weight initialisation, shuffling and dropout. Default null: drawn from the
    /// <c>MLContext</c>'s seed, so <c>new MLContext(seed: 1)</c> makes training repeatable.</summary>
    public int? Seed { get; set; }

    /// <summary>Called after every epoch with its figures (also written to <c>MLContext.Log</c>).</summary>
    public Action<EpochMetrics>? MetricsCallback { get; set; }

    /// <summary>Called within epochs (steps done, examples per second, time left) about twice a second and at the end
    /// of every phase, so a long epoch shows progress; <c>MLContext.Log</c> also gets a line every ten seconds while a
    /// phase runs. Default null.</summary>
    public Action<TrainingProgress>? ProgressCallback { get; set; }

    /// <summary>Stops training (with <see cref="OperationCanceledException"/>) between two steps.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>When set, the model, optimiser and history are written to this folder after every epoch.
    /// Default null.</summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Continue from the checkpoint in <see cref="CheckpointDirectory"/> when one is there, instead of
    /// starting over. Default false.</summary>
    public bool ResumeFromCheckpoint { get; set; }

    /// <summary>TorchSharp device: <c>"cpu"</c> or <c>"cuda"</c> / <c>"cuda:N"</c> with a CUDA backend package.
    /// Default <c>"cpu"</c>.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Examples per forward pass when predicting. Default 256 (larger batches slow CPU inference down:
    /// their buffers cross glibc's mmap threshold).</summary>
    public int InferenceBatchSize { get; set; } = 256;

    /// <summary>Set glibc's mmap and trim thresholds at the first training step and before a frozen backbone's
    /// feature pass (Linux only) so libtorch's activation buffers are reused instead of mapped and unmapped every step
    /// (2-3x faster CPU training), while photo-sized batches keep large buffers out of the heap so memory stays flat
    /// over an epoch. Process-wide and harmless for
    /// other code; set false to leave the allocator alone. Default true.</summary>
    public bool TuneNativeAllocator { get; set; } = true;

    /// <summary>A shallow copy, which an estimator keeps so later changes to the caller's object do not reach it.</summary>
    internal NetworkTrainingOptions Clone() => (NetworkTrainingOptions)MemberwiseClone();

    internal virtual void Validate()
    {
        var check = OptionChecks.For(this);
        check.Accepts(NumberOfEpochs >= 1, nameof(NumberOfEpochs), NumberOfEpochs, "at least 1");
        check.Accepts(BatchSize >= 1, nameof(BatchSize), BatchSize, "at least 1");
        check.Accepts(InferenceBatchSize >= 1, nameof(InferenceBatchSize), InferenceBatchSize, "at least 1");
        check.Defined(Optimizer, nameof(Optimizer));
        check.Accepts(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "a positive number");
        check.Accepts(Momentum is >= 0 and < 1, nameof(Momentum), Momentum, "a number in [0, 1)");
        check.Defined(LearningRateSchedule, nameof(LearningRateSchedule));
        check.Accepts(LearningRateDecay is > 0 and <= 1, nameof(LearningRateDecay), LearningRateDecay, "a number in (0, 1]");
        check.Accepts(LearningRateStepEpochs >= 1, nameof(LearningRateStepEpochs), LearningRateStepEpochs, "at least 1");
        check.Accepts(L1 >= 0 && double.IsFinite(L1), nameof(L1), L1, "zero or a positive number");
        check.Accepts(L2 >= 0 && double.IsFinite(L2), nameof(L2), L2, "zero or a positive number");
        check.Accepts(GradientClipValue is null || (GradientClipValue > 0 && double.IsFinite(GradientClipValue.Value)),
            nameof(GradientClipValue), GradientClipValue, "null (off) or a positive number");
        check.Accepts(GradientClipNorm is null || (GradientClipNorm > 0 && double.IsFinite(GradientClipNorm.Value)),
            nameof(GradientClipNorm), GradientClipNorm, "null (off) or a positive number");
        check.Accepts(ValidationFraction is >= 0 and < 1, nameof(ValidationFraction), ValidationFraction, "a number in [0, 1)");
        check.Accepts(EarlyStoppingPatience >= 0, nameof(EarlyStoppingPatience), EarlyStoppingPatience, "0 (off) or more epochs");
        check.Accepts(EarlyStoppingMinDelta >= 0 && double.IsFinite(EarlyStoppingMinDelta), nameof(EarlyStoppingMinDelta),
            EarlyStoppingMinDelta, "zero or a positive number");
        check.Defined(EarlyStoppingMetric, nameof(EarlyStoppingMetric));
        check.Accepts(CheckpointDirectory is null || !string.IsNullOrWhiteSpace(CheckpointDirectory), nameof(CheckpointDirectory),
            CheckpointDirectory, "null (no checkpoints) or a folder path");
        check.Compatible(!ResumeFromCheckpoint || CheckpointDirectory is not null, nameof(ResumeFromCheckpoint), ResumeFromCheckpoint,
            nameof(CheckpointDirectory), CheckpointDirectory, "a CheckpointDirectory to resume from");
        check.Accepts(Devices.IsKnown(Device), nameof(Device), Device, "\"cpu\", \"cuda\" or \"cuda:N\" (a TorchSharp device)");
    }

    /// <summary>What <c>Fit</c> checks before reading any data: early stopping watches validation figures, and a
    /// checkpoint folder must be a folder.</summary>
    internal void CheckBeforeFit(bool hasValidationData)
    {
        var check = OptionChecks.For(this);
        check.Compatible(EarlyStoppingPatience == 0 || hasValidationData, nameof(EarlyStoppingPatience), EarlyStoppingPatience,
            nameof(ValidationFraction), ValidationFraction, "validation data for early stopping: set ValidationFraction or pass a validation set to Fit");
        if (CheckpointDirectory is not null && File.Exists(CheckpointDirectory))
            throw new ArgumentException(check.Message(nameof(CheckpointDirectory), CheckpointDirectory,
                "a folder (it is an existing file)"), nameof(CheckpointDirectory));
    }
}
