using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MlNetTriplet.Explain;

/// <summary>A classifier's network split at one of its blocks, as every class activation map reads it: the block's
/// feature maps, then the logits computed from them. Borrows the network (its owner disposes it) and never changes
/// it: gradients are taken with respect to the feature maps, not the parameters.</summary>
internal abstract class ExplainedNetwork
{
    /// <summary>The network of a fitted classifier of this package: the CNN classifier or the transfer-learning one.</summary>
    /// <exception cref="ArgumentException">Another kind of transformer.</exception>
    public static ExplainedNetwork Of(BatchedTransformer classifier, string parameterName) => classifier switch
    {
        CnnClassifierTransformer cnn => new ExplainedCnn(cnn.Cnn),
        TransferLearningTransformer transfer => new ExplainedTransferNetwork(transfer.Network),
        _ => throw new ArgumentException(
            $"Class activation maps explain a CnnClassifierTransformer or a TransferLearningTransformer; got {classifier.GetType().Name}.",
            parameterName),
    };

    /// <summary>Shape of one input image, N x <see cref="InputShape"/> being a batch; maps have its height and width.</summary>
    public abstract ImageShape InputShape { get; }

    /// <summary>Where the network's weights are.</summary>
    public abstract Device Device { get; }

    /// <summary>The blocks a map can be read at, in forward order.</summary>
    public abstract IReadOnlyList<string> LayerNames { get; }

    /// <summary>The dense layer of a global-average-pool head (its weights are CAM's channel weights at the last
    /// block), or null when the head is something else.</summary>
    public abstract Linear? PooledClassifier { get; }

    /// <summary>The last block, the default layer.</summary>
    public int LastLayer => LayerNames.Count - 1;

    /// <summary>Feature maps of block <paramref name="layer"/>: N x C x h x w for an input batch N x C x H x W.</summary>
    public abstract Tensor Activations(Tensor input, int layer);

    /// <summary>The logits (before softmax) computed from block <paramref name="layer"/>'s feature maps.</summary>
    public abstract Tensor Logits(Tensor activations, int layer);

    /// <summary>The index of block <paramref name="name"/>, the last block when null.</summary>
    /// <exception cref="ArgumentException">No block has that name (the message lists them).</exception>
    public int LayerIndex(string? name, string optionName)
    {
        if (name is null)
            return LastLayer;
        for (int i = 0; i < LayerNames.Count; i++)
            if (string.Equals(LayerNames[i], name, StringComparison.Ordinal))
                return i;
        throw new ArgumentException(
            $"{optionName} is '{name}', which is not a block of this network; expected one of {string.Join(", ", LayerNames)} (null for the last).",
            optionName);
    }
}
