using Microsoft.ML;
using MlNetTriplet.Data;
using MlNetTriplet.Training;
using static TorchSharp.torch;

namespace MlNetTriplet.Images;

/// <summary>A photo classifier's training and validation photos as the training loop's batch sources, streamed:
/// labels checked (two classes, no validation class unseen in training), a stratified hold-out when asked, and every
/// photo file checked before the first step (unreadable ones fail naming the file, or are skipped and counted).
/// Pixels are never all held: paths are read once, photos decoded a batch at a time.</summary>
internal sealed class PhotoTrainingData
{
    private PhotoTrainingData(IBatchSource train, IBatchSource? validation, int trainRows, int validationRows,
        IReadOnlyList<UnreadableImage> skipped)
    {
        (Train, Validation, TrainRows, ValidationRows, Skipped) = (train, validation, trainRows, validationRows, skipped);
    }

    public IBatchSource Train { get; }
    public IBatchSource? Validation { get; }
    public int TrainRows { get; }
    public int ValidationRows { get; }

    /// <summary>Photo files left out as unreadable (training and validation), when skipping is on.</summary>
    public IReadOnlyList<UnreadableImage> Skipped { get; }

    /// <param name="trainData">Training rows.</param>
    /// <param name="validationData">Validation rows, or null to hold out the options' ValidationFraction.</param>
    /// <param name="columns">The image and label columns, and the label's class count and names.</param>
    /// <param name="geometry">How a photo becomes the network's input.</param>
    /// <param name="augmentation">Training augmentation, or null; validation never augments.</param>
    /// <param name="shuffle">Whether training batches are reshuffled every epoch (not when caching features).</param>
    /// <param name="options">Training options: seed, fraction, batch sizes, device, cancellation.</param>
    /// <param name="stream">How photos stream (workers, skipping).</param>
    /// <param name="seed">The run's seed: shuffles, hold-out and augmentation draws.</param>
    public static PhotoTrainingData Create(IDataView trainData, IDataView? validationData, PhotoColumns columns,
        ImageGeometry geometry, ImageAugmentation? augmentation, bool shuffle, NetworkTrainingOptions options,
        ImageStreamOptions stream, int seed)
    {
        var cancellation = options.CancellationToken;
        if (validationData is null && options.ValidationFraction > 0)
        {
            var split = StratifiedSplit.Split(trainData, options.ValidationFraction, columns.Label, seed);
            (trainData, validationData) = (split.TrainSet, split.TestSet);
        }
        var trainCounts = ClassLabels.Count(trainData, columns.Label, columns.ClassCount, "Training data", cancellation);
        var validCounts = validationData is null ? null
            : ClassLabels.Count(validationData, columns.Label, columns.ClassCount, "Validation data", cancellation);
        ClassLabels.CheckForClassifier(trainCounts, validCounts, columns.Label, columns.ClassName);

        var device = Devices.ForTraining(options.Device);
        var (train, trainSkipped, trainRows) = Source(trainData, columns, new ImagePreparation(geometry, augmentation, seed),
            options.BatchSize, shuffle, stream, "Training data", trainCounts.Sum(), device, cancellation);
        if (validationData is null)
            return new PhotoTrainingData(train, null, trainRows, 0, trainSkipped);
        var (valid, validSkipped, validRows) = Source(validationData, columns, new ImagePreparation(geometry, null, seed),
            options.InferenceBatchSize, false, stream, "Validation data", validCounts!.Sum(), device, cancellation);
        return new PhotoTrainingData(train, valid, trainRows, validRows, [.. trainSkipped, .. validSkipped]);
    }

    private static (IBatchSource, IReadOnlyList<UnreadableImage>, int) Source(IDataView data, PhotoColumns columns,
        ImagePreparation preparation, int batchSize, bool shuffle, ImageStreamOptions stream, string dataName, int rows,
        Device device, CancellationToken cancellation)
    {
        var (source, skipped) = ImageBatchSources.Create(data, columns.Image, columns.Label, preparation, batchSize,
            shuffle, stream, dataName, cancellation);
        int kept = rows - skipped.Count;
        return (new ImageTensorBatches(source, kept, batchSize, device, cancellation), skipped, kept);
    }
}

/// <summary>The columns a photo classifier trains on: the image column, the key label and how to name its classes.</summary>
internal sealed record PhotoColumns(string Image, string Label, int ClassCount, Func<int, string> ClassName);
