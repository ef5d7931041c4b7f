using MlNetTriplet.Transforms;
using static TorchSharp.torch;

namespace MlNetTriplet;

/// <summary>Base of the transformers that hold a trained network: the batched mapping runs it, the training history
/// travels with it, and disposing the transformer frees the network's native memory.</summary>
public abstract class NetworkTransformer : BatchedTransformer, IDisposable
{
    private readonly NetworkRunner _runner;

    private protected NetworkTransformer(NetworkRunner runner, BatchedMapping mapping, TrainingHistory? history)
    {
        _runner = runner;
        Mapping = mapping;
        History = history;
    }

    private protected sealed override BatchedMapping Mapping { get; }

    /// <summary>Per-epoch figures of the training run that produced this model (kept in the saved zip).</summary>
    public TrainingHistory? History { get; }

    /// <summary>The trained network.</summary>
    private protected nn.Module<Tensor, Tensor> Network => _runner.Module;

    /// <summary>Frees the network's native memory.</summary>
    public void Dispose() => _runner.Dispose();
}
