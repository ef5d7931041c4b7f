using MlNetTriplet.Training;
using static TorchSharp.torch;

namespace MlNetTriplet.Images;

/// <summary>Streamed photo batches as the training loop's tensors: each prepared batch is copied onto the training
/// device while the source's workers already prepare the next ones.</summary>
internal sealed class ImageTensorBatches(IImageBatchSource source, int rows, int batchSize, Device device,
    CancellationToken cancellation) : IBatchSource
{
    public int StepsPerEpoch => (rows + batchSize - 1) / batchSize;

    public IEnumerable<TensorBatch> Batches(int epoch)
    {
        var shape = source.Shape;
        foreach (var batch in source.Batches(epoch, cancellation))
        {
            TensorBatch result;
            using (NewDisposeScope())
            {
                // The batch's buffers are reused once the enumeration moves on: the tensors own copies.
                using var pixels = tensor(batch.Pixels.AsMemory(0, batch.Count * batch.RowSize),
                    [batch.Count, shape.Channels, shape.Height, shape.Width]);
                using var labels = tensor(batch.Labels.AsMemory(0, batch.Count), [batch.Count]);
                result = new TensorBatch(pixels.to(device, copy: true).DetachFromDisposeScope(),
                    labels.to(device, copy: true).DetachFromDisposeScope());
            }
            yield return result;
        }
    }
}
