namespace MlNetTriplet.Bench;

/// <summary>Every figure of one transfer-learning run of one side (package or PyTorch peer) in one mode.
/// <see cref="TrainingRunResult.NTest"/> holds the validation photos; <see cref="TrainingRunResult.TrainImagesPerSecond"/>
/// is the fine-tuning figure in <c>finetune</c> mode and the head's steps on cached features in <c>frozen</c> mode.</summary>
internal sealed record TransferRunResult : PhotoRunResult
{
    /// <summary>Validation accuracy of the trained model: the package's <c>Evaluate(model.Transform(val))</c>, the
    /// peer's eval pass of the whole model over the val loader.</summary>
    public double ValidationAccuracy { get; init; }
    /// <summary>Validation accuracy the training loop reported after its last epoch (should equal the above).</summary>
    public double? LastEpochValidationAccuracy { get; init; }
    /// <summary>Validation photos / wall time of that final evaluation (package: lazy cursor, batch 64; peer: no_grad,
    /// batch 64).</summary>
    public double InferenceImagesPerSecond { get; init; }
    public IReadOnlyList<double?> ValidationAccuracyPerEpoch { get; init; } = [];
}
