using static TorchSharp.torch;

namespace MlNetTriplet.Batches;

/// <summary>Rows held as two tensors on the training device, features [n, ...shape] and int64 labels [n] (PyTorch's
/// TensorDataset): a batch is gathered whole with one <c>index_select</c> per tensor on the consumer's thread, as a
/// bare PyTorch loop does; there is nothing to read row by row.</summary>
internal sealed class TensorRows : IRowReader
{
    public TensorRows(Tensor features, Tensor labels)
    {
        Features = features;
        Labels = labels;
        Count = (int)features.shape[0];
    }

    public Tensor Features { get; }
    public Tensor Labels { get; }
    public int Count { get; }
    public int RowSize => 0;

    /// <summary>Rows from host arrays (one copy each), moved to <paramref name="device"/>.</summary>
    public static TensorRows FromArrays(float[] features, long[] shape, long[] labels, Device device)
    {
        using var x = tensor(features, shape);
        using var y = tensor(labels);
        return new TensorRows(x.to(device).DetachFromDisposeScope(), y.to(device).DetachFromDisposeScope());
    }

    public IRowWorker OpenWorker(int epoch) => Gathered.Instance;

    public TensorBatch Collate(HostBatch batch)
    {
        var rows = batch.Rows[..batch.Count];
        using var scope = NewDisposeScope();
        // index_select takes int32 indices as they are: no conversion per step.
        var indices = tensor(rows, device: Features.device);
        return new TensorBatch(Features.index_select(0, indices).DetachFromDisposeScope(),
            Labels.index_select(0, indices).DetachFromDisposeScope(), rows);
    }

    public void Dispose()
    {
        Features.Dispose();
        Labels.Dispose();
    }

    /// <summary>Rows are gathered by <see cref="Collate"/>: each single read has nothing to do.</summary>
    private sealed class Gathered : IRowWorker
    {
        public static readonly Gathered Instance = new();

        public void Read(int row, HostBatch batch, int slot)
        {
        }

        public void Dispose()
        {
        }
    }
}
