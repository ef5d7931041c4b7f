using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet.Training;

/// <summary>A training set held as two tensors on the training device: features [n, ...shape] and int64 labels [n].
/// Batches are gathered from it with one <c>index_select</c> per step, as a bare PyTorch loop does.</summary>
internal sealed class TensorDataset : IDisposable
{
    public TensorDataset(Tensor features, Tensor labels)
    {
        Features = features;
        Labels = labels;
        Count = (int)features.shape[0];
    }

    public Tensor Features { get; }
    public Tensor Labels { get; }
    public int Count { get; }

    /// <summary>Builds the dataset from host arrays (one copy each) and moves it to <paramref name="device"/>.</summary>
    public static TensorDataset FromArrays(float[] features, long[] shape, long[] labels, Device device)
    {
        using var x = tensor(features, shape);
        using var y = tensor(labels);
        return new TensorDataset(x.to(device).DetachFromDisposeScope(), y.to(device).DetachFromDisposeScope());
    }

    public void Dispose()
    {
        Features.Dispose();
        Labels.Dispose();
    }
}

/// <summary>Which rows form each batch of an epoch.</summary>
internal interface IBatchSampler
{
    /// <summary>Batches in each epoch.</summary>
    int StepsPerEpoch { get; }

    /// <summary>Row indices (int64 tensors) of each batch of the given 0-based epoch, deterministic for it. The caller
    /// owns (disposes) each tensor.</summary>
    IEnumerable<Tensor> Batches(int epoch);
}

/// <summary>Ordinary batches: every row once per epoch, reshuffled each epoch from (seed, epoch); the last partial
/// batch is kept, as PyTorch's DataLoader does by default.</summary>
internal sealed class ShuffledBatchSampler(int count, int batchSize, long seed) : IBatchSampler
{
    public int StepsPerEpoch => (count + batchSize - 1) / batchSize;

    public IEnumerable<Tensor> Batches(int epoch)
    {
        using var generator = new Generator(unchecked((ulong)SeedFor(seed, epoch)));
        using var order = randperm(count, generator: generator);
        for (long start = 0; start < count; start += batchSize)
            yield return order.narrow(0, start, Math.Min(batchSize, count - start));
    }

    /// <summary>Derives a per-epoch seed so an epoch can be replayed alone (resume from a checkpoint).</summary>
    internal static long SeedFor(long seed, int epoch) => unchecked(seed * 1_000_003L + epoch * 7919L + 17);
}

/// <summary>Consecutive rows in chunks, the same every epoch: evaluation batches.</summary>
internal sealed class ChunkSampler(int count, int batchSize) : IBatchSampler
{
    public int StepsPerEpoch => (count + batchSize - 1) / batchSize;

    public IEnumerable<Tensor> Batches(int epoch)
    {
        for (long start = 0; start < count; start += batchSize)
            yield return arange(start, Math.Min(start + batchSize, count), dtype: ScalarType.Int64);
    }
}
