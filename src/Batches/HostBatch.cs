using static TorchSharp.torch;

namespace MlNetTriplet.Batches;

/// <summary>One batch as workers fill it, in host memory: up to <c>capacity</c> rows of <see cref="RowSize"/> floats
/// (the reader's layout, e.g. C x H x W in [0, 1]), their 0-based labels and their data rows. A
/// <see cref="BatchProducer"/> reuses it from batch to batch.</summary>
internal sealed class HostBatch(int capacity, int rowSize)
{
    public float[] Values { get; } = new float[checked(capacity * rowSize)];
    public long[] Labels { get; } = new long[capacity];

    /// <summary>The data rows in this batch, in order (indices into the reader's rows).</summary>
    public int[] Rows { get; } = new int[capacity];

    public int RowSize => rowSize;
    public int Count { get; internal set; }

    public Span<float> Row(int slot) => Values.AsSpan(slot * rowSize, rowSize);

    /// <summary>The filled rows copied to <paramref name="device"/>: values as [Count, ..<paramref name="rowShape"/>],
    /// labels as [Count]. The tensors own their copies, so the batch can be refilled at once.</summary>
    public TensorBatch ToDevice(long[] rowShape, Device device)
    {
        using var scope = NewDisposeScope();
        using var values = tensor(Values.AsMemory(0, Count * rowSize), [Count, .. rowShape]);
        using var labels = tensor(Labels.AsMemory(0, Count), [Count]);
        return new TensorBatch(values.to(device, copy: true).DetachFromDisposeScope(),
            labels.to(device, copy: true).DetachFromDisposeScope(), Rows[..Count]);
    }
}
