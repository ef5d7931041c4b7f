using static TorchSharp.torch;

namespace MlNetTriplet.Training;

/// <summary>One step's rows as tensors on the training device: inputs [n, ...] and int64 labels [n]. The training
/// loop disposes it after the step.</summary>
internal sealed class TensorBatch(Tensor features, Tensor labels) : IDisposable
{
    public Tensor Features { get; } = features;
    public Tensor Labels { get; } = labels;
    public long Count => Labels.shape[0];

    public void Dispose()
    {
        Features.Dispose();
        Labels.Dispose();
    }
}

/// <summary>Where the training loop's batches come from: rows already held as tensors (<see cref="SampledBatches"/>)
/// or photos decoded from disk while the previous step runs. The loop does not care which.</summary>
internal interface IBatchSource
{
    /// <summary>Steps in one epoch (for progress and time estimates).</summary>
    int StepsPerEpoch { get; }

    /// <summary>The batches of the given 0-based epoch, deterministic for it. Tensors are detached from any dispose
    /// scope; the caller disposes each batch.</summary>
    IEnumerable<TensorBatch> Batches(int epoch);
}

/// <summary>Batches gathered from a <see cref="TensorDataset"/> with one <c>index_select</c> per step, in the order a
/// sampler draws them.</summary>
internal sealed class SampledBatches(TensorDataset data, IBatchSampler sampler) : IBatchSource
{
    public int StepsPerEpoch => sampler.StepsPerEpoch;

    public IEnumerable<TensorBatch> Batches(int epoch)
    {
        foreach (var indices in sampler.Batches(epoch))
        {
            TensorBatch batch;
            using (indices)
            using (NewDisposeScope())
                batch = new TensorBatch(data.Features.index_select(0, indices).DetachFromDisposeScope(),
                    data.Labels.index_select(0, indices).DetachFromDisposeScope());
            yield return batch;
        }
    }
}
