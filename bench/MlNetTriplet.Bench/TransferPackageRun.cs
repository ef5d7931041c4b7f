using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Transforms;
using MlNetTriplet.Images;
using TorchSharp;

namespace MlNetTriplet.Bench;

/// <summary>The <c>transfer-one</c> command: one package run of one mode as its users run it (LoadFromImageFolder ->
/// MapValueToKey -> TransferLearning with the trainer's defaults, Fit with the validation folder -> Evaluate of
/// Transform), in a process of its own so its peak RSS is its own. Prints its figures as one JSON line.</summary>
internal static class TransferPackageRun
{
    public static int Run(TransferOptions o)
    {
        torch.set_num_threads(o.Threads);
        string mode = o.Mode ?? throw new ArgumentException("--mode is required.");
        var ml = new MLContext(seed: o.Seed);
        var load = Stopwatch.StartNew();
        var splits = ImageFolderSplits.Find(o.DataDir);
        var photos = ml.Data.LoadFromImageFolder(splits.Train);
        // Classes numbered by name (ants 0, bees 1), as the peer's listing numbers them.
        var keys = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Fit(photos);
        var train = keys.Transform(photos);
        var val = keys.Transform(ml.Data.LoadFromImageFolder(splits.Validation));
        load.Stop();

        var log = new PackageTrainingLog($"package {mode}");
        var validation = new List<double?>();
        var options = new TransferLearningTrainer.Options
        {
            Mode = TransferOptions.TrainerMode(mode), NumberOfEpochs = o.Epochs, Seed = o.Seed, DecoderThreads = o.DecoderThreads,
            // The end of each Preparing pass (training photos, then validation photos) gives its images and seconds.
            ProgressCallback = log.Progress,
            MetricsCallback = m =>
            {
                log.Epoch(m);
                validation.Add(m.ValidationAccuracy);
            },
        };
        var fit = Stopwatch.StartNew();
        var model = ml.MulticlassClassification.Trainers.TransferLearning(options).Fit(train, val);
        fit.Stop();

        // Transform is lazy: Evaluate pulls every validation photo through the transformer's batched cursor.
        var eval = Stopwatch.StartNew();
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(val));
        eval.Stop();

        int nVal = checked((int)val.GetRowCount()!.Value);
        var result = new TransferRunResult
        {
            Side = "package", Mode = mode, Runtime = Child.RuntimeDescription, Epochs = log.Epochs.Count, Threads = o.Threads,
            Seed = o.Seed, NTrain = checked((int)train.GetRowCount()!.Value), NTest = nVal, LoadSeconds = load.Elapsed.TotalSeconds,
            FeatureImages = log.FeatureImages, FeatureSeconds = log.FeatureSeconds, FeatureImagesPerSecond = log.FeatureImagesPerSecond,
            TrainSeconds = log.TrainSeconds, TrainImages = log.TrainImages, TrainImagesPerSecond = log.TrainImagesPerSecond,
            FitSeconds = fit.Elapsed.TotalSeconds,
            ValidationAccuracy = metrics.MicroAccuracy, LastEpochValidationAccuracy = validation.LastOrDefault(),
            ValidationAccuracyPerEpoch = validation,
            InferenceImagesPerSecond = nVal / eval.Elapsed.TotalSeconds,
            DecoderWorkers = options.DecoderThreads ?? ImageWorkers.DuringTraining,
            PeakRssMb = ProcessMemory.PeakRssMb() ?? double.NaN, EpochDetails = log.Epochs, OmpEnv = Child.OmpEnv(),
        };
        Console.Out.WriteLine(JsonSerializer.Serialize(result, Json.Line));
        return 0;
    }
}
