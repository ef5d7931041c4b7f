using Microsoft.ML;

namespace MlNetTriplet.Images;

/// <summary>Batches of (pixels, labels) per epoch, whatever the image column holds: what a training loop consumes.
/// Each batch is valid until the enumeration moves on; leaving the loop early (break, exception) stops the
/// background threads.</summary>
internal interface IImageBatchSource
{
    ImageShape Shape { get; }

    /// <summary>The batches of 0-based <paramref name="epoch"/>, in order.</summary>
    IEnumerable<ImageBatch> Batches(int epoch, CancellationToken cancellation);
}

/// <summary>Photos on disk, decoded by <see cref="ImageBatchProducer"/>'s workers; the batches of each epoch come from
/// <paramref name="batchesOfEpoch"/> (e.g. <see cref="BatchPlans.Shuffled"/>).</summary>
internal sealed class ImageFileSource(ImageFileRows rows, Func<int, IReadOnlyList<int[]>> batchesOfEpoch,
    ImagePreparation preparation, int workers, int readAhead = ImageWorkers.ReadAhead) : IImageBatchSource
{
    public ImageFileRows Rows => rows;
    public ImageShape Shape => preparation.Shape;

    public IEnumerable<ImageBatch> Batches(int epoch, CancellationToken cancellation)
    {
        using var producer = new ImageBatchProducer(rows, batchesOfEpoch(epoch), preparation, epoch, workers, readAhead,
            cancellation);
        while (producer.Next() is { } batch)
            yield return batch;
    }
}

/// <summary>Decoded images or prepared vectors read by a cursor pass per epoch through a shuffle buffer of
/// <paramref name="shuffleBufferRows"/> rows (see <see cref="CursorBatchProducer"/>).</summary>
internal sealed class ImageCursorSource(IDataView data, string imageColumn, string labelColumn,
    ImagePreparation preparation, int batchSize, int shuffleBufferRows, string dataName,
    int readAhead = ImageWorkers.ReadAhead) : IImageBatchSource
{
    public ImageShape Shape => preparation.Shape;

    public IEnumerable<ImageBatch> Batches(int epoch, CancellationToken cancellation)
    {
        using var producer = new CursorBatchProducer(data, imageColumn, labelColumn, preparation, epoch, batchSize,
            shuffleBufferRows, readAhead, dataName, cancellation);
        while (producer.Next() is { } batch)
            yield return batch;
    }
}

/// <summary>How photos stream during training; defaults in <see cref="ImageWorkers"/>.</summary>
/// <param name="SkipUnreadable">Leave out unreadable photo files (reported) instead of failing before training.</param>
/// <param name="SkipOptionName">The public option behind <paramref name="SkipUnreadable"/>, named in errors.</param>
/// <param name="Workers">Decoding threads while training (files only).</param>
/// <param name="ReadAhead">Batches prepared ahead of the training step.</param>
/// <param name="ShuffleBufferRows">Rows of the shuffle buffer for decoded-image and vector columns (files are shuffled
/// whole, by index); prepared images wait there as bytes (256 rows of 3x224x224: 38 MB).</param>
internal sealed record ImageStreamOptions(bool SkipUnreadable = false, string SkipOptionName = "SkipUnreadableImages",
    int? Workers = null, int ReadAhead = ImageWorkers.ReadAhead, int ShuffleBufferRows = 256);

/// <summary>The training-side entry: checks the image column, then builds the source that fits it.</summary>
internal static class ImageBatchSources
{
    /// <summary>A source of <paramref name="data"/>'s (image, label) batches. Paths are read now (no pixels) and every
    /// file is checked before any training step (<see cref="ImageFileCheck.Run"/>); shuffled sources draw a new order
    /// each epoch from <paramref name="preparation"/>'s seed.</summary>
    /// <returns>The source and the photo files left out as unreadable (empty unless skipping is on).</returns>
    public static (IImageBatchSource Source, IReadOnlyList<UnreadableImage> Skipped) Create(IDataView data,
        string imageColumn, string labelColumn, ImagePreparation preparation, int batchSize, bool shuffle,
        ImageStreamOptions options, string dataName, CancellationToken cancellation = default)
    {
        var kind = ImageColumn.Check(data.Schema[imageColumn], preparation.Shape, "image");
        if (kind != ImageInputKind.Path)
        {
            CursorBatchProducer.Check(data.Schema[imageColumn], preparation);   // now, not at the first batch
            return (new ImageCursorSource(data, imageColumn, labelColumn, preparation, batchSize,
                shuffle ? options.ShuffleBufferRows : 1, dataName, options.ReadAhead), []);
        }
        var rows = ImageFileRows.Read(data, imageColumn, labelColumn, dataName, cancellation);
        var (readable, skipped) = ImageFileCheck.Run(rows, options.SkipUnreadable, options.SkipOptionName,
            ImageWorkers.Alone, cancellation);
        Func<int, IReadOnlyList<int[]>> plan = shuffle
            ? epoch => BatchPlans.Shuffled(readable.Count, batchSize, preparation.Seed, epoch)
            : _ => BatchPlans.Sequential(readable.Count, batchSize);
        return (new ImageFileSource(readable, plan, preparation, options.Workers ?? ImageWorkers.DuringTraining,
            options.ReadAhead), skipped);
    }
}
