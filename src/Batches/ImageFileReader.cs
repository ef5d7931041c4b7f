using MlNetTriplet.Images;
using static TorchSharp.torch;

namespace MlNetTriplet.Batches;

/// <summary>Photos on disk, decoded, resampled and augmented into host batches by workers (a decoder each), then
/// copied to the training device. A row's pixels depend only on (path, preparation, epoch, row), so they are the same
/// whichever worker reads them.</summary>
internal sealed class ImageFileReader(ImageFileRows rows, ImagePreparation preparation, Device device) : IRowReader
{
    public ImageFileRows Rows => rows;
    public int Count => rows.Count;
    public int RowSize => preparation.Shape.Size;

    public IRowWorker OpenWorker(int epoch) => new Worker(rows, preparation.CreatePreparer(), epoch);

    public TensorBatch Collate(HostBatch batch) => batch.ToDevice(preparation.Shape.Dims, device);

    public void Dispose()
    {
    }

    private sealed class Worker(ImageFileRows rows, ImagePreparer preparer, int epoch) : IRowWorker
    {
        public void Read(int row, HostBatch batch, int slot)
        {
            preparer.PrepareFile(rows.Paths[row], epoch, row, batch.Row(slot), $" (row {row})");
            batch.Labels[slot] = rows.Labels[row];
        }

        public void Dispose() => preparer.Dispose();
    }
}
