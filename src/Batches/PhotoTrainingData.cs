using Microsoft.ML;
using MlNetTriplet.Data;
using MlNetTriplet.Images;
using static TorchSharp.torch;

namespace MlNetTriplet.Batches;

/// <summary>A photo network's training and validation photos as the training loop's batch sources, streamed:
/// labels checked (by default a classifier's checks: two classes, no validation class unseen in training), a
/// stratified hold-out when asked, and every photo file checked before the first step (unreadable ones fail naming
/// the file, or are skipped and counted).
/// Pixels are never all held: paths are read once, photos decoded a batch at a time.</summary>
internal sealed class PhotoTrainingData : IDisposable
{
    private PhotoTrainingData(BatchSource train, BatchSource? validation, IReadOnlyList<UnreadableImage> skipped)
    {
        (Train, Validation, Skipped) = (train, validation, skipped);
    }

    public BatchSource Train { get; }
    public BatchSource? Validation { get; }
    public int TrainRows => Train.Rows;
    public int ValidationRows => Validation?.Rows ?? 0;

    /// <summary>Photo files left out as unreadable (training and validation), when skipping is on.</summary>
    public IReadOnlyList<UnreadableImage> Skipped { get; }

    /// <param name="trainData">Training rows.</param>
    /// <param name="validationData">Validation rows, or null to hold out <paramref name="batching"/>'s ValidationFraction.</param>
    /// <param name="columns">The image and label columns, and the label's class count and names.</param>
    /// <param name="geometry">How a photo becomes the network's input.</param>
    /// <param name="augmentation">Training augmentation, or null; validation never augments.</param>
    /// <param name="order">The order of training and validation batches (a cache of features reads both in order).</param>
    /// <param name="batching">Batch sizes, validation fraction, device, cancellation.</param>
    /// <param name="stream">How photos stream (workers, skipping).</param>
    /// <param name="seed">The run's seed: shuffles, hold-out and augmentation draws.</param>
    /// <param name="checkClasses">Checks the rows per class of training and validation data (null when there is none)
    /// before any photo is read; default <see cref="ClassLabels.CheckForClassifier"/>.</param>
    public static PhotoTrainingData Create(IDataView trainData, IDataView? validationData, PhotoColumns columns,
        ImageGeometry geometry, ImageAugmentation? augmentation, (PhotoOrder Train, PhotoOrder Validation) order,
        PhotoBatching batching, ImageStreamOptions stream, int seed, Action<int[], int[]?>? checkClasses = null)
    {
        var (cancellation, device) = (batching.Cancellation, batching.Device);
        if (validationData is null && batching.ValidationFraction > 0)
        {
            var split = StratifiedSplit.Split(trainData, batching.ValidationFraction, columns.Label, seed);
            (trainData, validationData) = (split.TrainSet, split.TestSet);
        }
        var trainCounts = ClassLabels.Count(trainData, columns.Label, columns.ClassCount, "Training data", cancellation);
        var validCounts = validationData is null ? null
            : ClassLabels.Count(validationData, columns.Label, columns.ClassCount, "Validation data", cancellation);
        (checkClasses ?? ((t, v) => ClassLabels.CheckForClassifier(t, v, columns.Label, columns.ClassName)))(trainCounts, validCounts);

        var (train, trainSkipped) = PhotoSources.Create(trainData, columns.Image, columns.Label, trainCounts.Sum(),
            new ImagePreparation(geometry, augmentation, seed), batching.BatchSize, order.Train, stream, "Training data", device,
            columns.ClassName, cancellation);
        if (validationData is null)
            return new PhotoTrainingData(train, null, trainSkipped);
        var (valid, validSkipped) = PhotoSources.Create(validationData, columns.Image, columns.Label, validCounts!.Sum(),
            new ImagePreparation(geometry, null, seed), batching.ValidationBatchSize, order.Validation, stream, "Validation data", device,
            columns.ClassName, cancellation);
        return new PhotoTrainingData(train, valid, [.. trainSkipped, .. validSkipped]);
    }

    public void Dispose()
    {
        Train.Dispose();
        Validation?.Dispose();
    }
}

/// <summary>How a photo network's batches are cut: training and validation batch sizes, the share held out for
/// validation when no validation data is given, the training device and the run's cancellation.</summary>
internal sealed record PhotoBatching(int BatchSize, int ValidationBatchSize, double ValidationFraction, Device Device,
    CancellationToken Cancellation);

/// <summary>The columns a photo network trains on: the image column, the key label and how to name its classes.</summary>
internal sealed record PhotoColumns(string Image, string Label, int ClassCount, Func<int, string> ClassName);
