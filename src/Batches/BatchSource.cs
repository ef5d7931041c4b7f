using MlNetTriplet.Data;
using static TorchSharp.torch;

namespace MlNetTriplet.Batches;

/// <summary>The training loop's batches: a reader's rows in the order a plan draws them, read by a
/// <see cref="BatchProducer"/> with <paramref name="workers"/> threads (0: on the loop's own thread). The loop does not
/// care whether the rows are tensors, photo files or a cursor. Owns the reader.</summary>
internal sealed class BatchSource(IRowReader reader, BatchPlan plan, int workers = 0,
    int readAhead = BatchProducer.DefaultReadAhead, CancellationToken cancellation = default) : IDisposable
{
    /// <summary>Rows the reader holds.</summary>
    public int Rows => reader.Count;

    /// <summary>Steps in one epoch (for progress and time estimates).</summary>
    public int StepsPerEpoch => plan.StepsPerEpoch;

    /// <summary>The batches of 0-based <paramref name="epoch"/>, deterministic for it; the caller disposes each. Leaving
    /// the enumeration early (break, exception) stops the workers.</summary>
    public IEnumerable<TensorBatch> Batches(int epoch)
    {
        using var producer = new BatchProducer(reader, plan.Epoch(epoch), epoch, workers, readAhead, cancellation);
        while (producer.Next() is { } batch)
            yield return batch;
    }

    /// <summary>Rows read into host arrays, held as tensors on <paramref name="device"/> (one copy; the arrays can be
    /// collected after), in <paramref name="plan"/>'s batches.</summary>
    public static BatchSource InMemory(LabeledFeatures data, long[] rowShape, Device device, BatchPlan plan)
    {
        // The arrays may have room for more rows than were read (their length doubles as rows arrive).
        int values = checked(data.Rows * data.Size);
        var features = data.Features.Length == values ? data.Features : data.Features[..values];
        var labels = data.Labels.Length == data.Rows ? data.Labels : data.Labels[..data.Rows];
        return new(TensorRows.FromArrays(features, [data.Rows, .. rowShape], labels, device), plan);
    }

    public void Dispose() => reader.Dispose();
}
