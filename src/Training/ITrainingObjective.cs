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

/// <summary>Softmax cross-entropy on logits, for classifiers with 0-based int64 class labels.</summary>
internal sealed class CrossEntropyObjective : ITrainingObjective
{
    public bool ReportsAccuracy => true;

    public Tensor Loss(Tensor output, Tensor labels) => nn.functional.cross_entropy(output, labels);

    public long CountCorrect(Tensor output, Tensor labels) => output.argmax(1).eq(labels).sum().item<long>();
}
