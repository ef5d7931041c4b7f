using static TorchSharp.torch;

namespace MlNetTriplet.Training;

/// <summary>What a network is trained to minimise, from its output on a batch and the batch's labels.</summary>
internal interface ITrainingObjective
{
    /// <summary>True when <see cref="CountCorrect"/> means something (classifiers).</summary>
    bool ReportsAccuracy { get; }

    /// <summary>Mean loss over the batch.</summary>
    Tensor Loss(Tensor output, Tensor labels);

    /// <summary>Number of correctly classified rows in the batch.</summary>
    long CountCorrect(Tensor output, Tensor labels);
}

/// <summary>Softmax cross-entropy on logits, for classifiers with 0-based int64 class labels; optional per-class
/// weights (on the training device) rescale each class's share of the loss, for imbalanced data.</summary>
internal sealed class CrossEntropyObjective(Tensor? classWeights = null) : ITrainingObjective, IDisposable
{
    public void Dispose() => classWeights?.Dispose();

    public bool ReportsAccuracy => true;

    public Tensor Loss(Tensor output, Tensor labels) => nn.functional.cross_entropy(output, labels, classWeights);

    public long CountCorrect(Tensor output, Tensor labels) => output.argmax(1).eq(labels).sum().item<long>();
}

/// <summary>Binary cross-entropy on one logit per row (sigmoid inside, the numerically stable form), for 0/1 int64
/// labels; <c>positiveWeight</c> (a one-element tensor on the training device) multiplies the positive rows' loss, as
/// PyTorch's <c>pos_weight</c> does.</summary>
internal sealed class BinaryCrossEntropyObjective(Tensor? positiveWeight = null) : ITrainingObjective, IDisposable
{
    public void Dispose() => positiveWeight?.Dispose();

    public bool ReportsAccuracy => true;

    public Tensor Loss(Tensor output, Tensor labels) =>
        nn.functional.binary_cross_entropy_with_logits(output.squeeze(1), labels.to(output.dtype), pos_weights: positiveWeight);

    public long CountCorrect(Tensor output, Tensor labels) => output.squeeze(1).gt(0).eq(labels.to_type(ScalarType.Bool)).sum().item<long>();
}
