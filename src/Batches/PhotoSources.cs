using Microsoft.ML;
using MlNetTriplet.Images;
using static TorchSharp.torch;

namespace MlNetTriplet.Batches;

/// <summary>How photos stream during training.</summary>
/// <param name="SkipUnreadable">Leave out unreadable photo files (reported) instead of failing before training.</param>
/// <param name="SkipOptionName">The public option behind <paramref name="SkipUnreadable"/>, named in errors.</param>
/// <param name="Workers">Decoding threads while training (files only); null: <see cref="ImageWorkers.DuringTraining"/>.</param>
/// <param name="ReadAhead">Batches prepared ahead of the training step.</param>
/// <param name="ShuffleBufferRows">Rows waiting in the shuffle window of decoded-image and vector columns (files are
/// shuffled whole, by index); prepared images wait there as bytes (256 rows of 3x224x224: 38 MB).</param>
internal sealed record ImageStreamOptions(bool SkipUnreadable = false, string SkipOptionName = "SkipUnreadableImages",
    int? Workers = null, int ReadAhead = BatchProducer.DefaultReadAhead, int ShuffleBufferRows = 256);

/// <summary>The order of a photo source's batches: every row once per epoch, in order or shuffled, or a plan drawn
/// from the rows' labels (P x K, the Keras triplets), which needs rows read by index: photo files, not a cursor.</summary>
/// <param name="Shuffled">Every row once per epoch in a new order each epoch (else in order, the same every epoch).</param>
/// <param name="ByLabels">The plan of rows with these 0-based classes; null: <paramref name="Shuffled"/> decides.</param>
internal sealed record PhotoOrder(bool Shuffled, Func<long[], BatchPlan>? ByLabels = null)
{
    public static PhotoOrder InOrder { get; } = new(false);
    public static PhotoOrder Shuffle { get; } = new(true);
}

/// <summary>The batch source of a photo column, chosen by what the column holds: files (paths) are read by index by
/// decoding workers; decoded images and prepared vectors are read in order through a cursor.</summary>
internal static class PhotoSources
{
    /// <summary>The (image, label) batches of <paramref name="data"/> (<paramref name="rows"/> rows). Paths are read now
    /// (no pixels) and every file is checked before any training step (<see cref="ImageFileCheck.Run"/>); a shuffled
    /// source draws a new order each epoch from <paramref name="preparation"/>'s seed; a plan by labels sees the
    /// readable files' labels. <paramref name="className"/> names a label key (0-based) in errors.</summary>
    /// <returns>The source and the photo files left out as unreadable (empty unless skipping is on).</returns>
    /// <exception cref="ArgumentException">A plan by labels on a column read through a cursor.</exception>
    public static (BatchSource Source, IReadOnlyList<UnreadableImage> Skipped) Create(IDataView data, string imageColumn,
        string labelColumn, int rows, ImagePreparation preparation, int batchSize, PhotoOrder order, ImageStreamOptions options,
        string dataName, Device device, Func<int, string>? className = null, CancellationToken cancellation = default)
    {
        var kind = ImageColumn.Check(data.Schema[imageColumn], preparation.Shape, "image");
        if (kind != ImageInputKind.Path)
        {
            if (order.ByLabels is not null)
                throw new ArgumentException(
                    $"{dataName}: batches drawn by class need photos read by index, but image column '{imageColumn}' ({kind}) is read in order through a cursor.",
                    nameof(order));
            int window = order.Shuffled ? options.ShuffleBufferRows : 1;
            var cursor = new CursorReader(data, imageColumn, labelColumn, preparation, rows, window, dataName, device);
            return (new BatchSource(cursor, Plan(rows, batchSize, order.Shuffled, preparation.Seed, window), workers: 1,
                options.ReadAhead, cancellation), []);
        }
        var files = ImageFileRows.Read(data, imageColumn, labelColumn, dataName, cancellation);
        var (readable, skipped) = ImageFileCheck.Run(files, options.SkipUnreadable, options.SkipOptionName,
            ImageWorkers.Alone, className, cancellation);
        var reader = new ImageFileReader(readable, preparation, device);
        var plan = order.ByLabels?.Invoke(readable.Labels) ?? Plan(readable.Count, batchSize, order.Shuffled, preparation.Seed, null);
        return (new BatchSource(reader, plan, options.Workers ?? ImageWorkers.DuringTraining, options.ReadAhead, cancellation),
            skipped);
    }

    private static BatchPlan Plan(int rows, int batchSize, bool shuffle, long seed, int? window) =>
        shuffle ? BatchPlan.Shuffled(rows, batchSize, seed, window) : BatchPlan.Sequential(rows, batchSize);
}
