using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Transforms;
using MlNetTriplet.Images;
using TorchSharp;

namespace MlNetTriplet.Bench;

/// <summary>The <c>similarity-one</c> command: one package run of one mode as examples/ImageSimilarity runs it
/// (LoadFromImageFolder -> the first half of the classes -> MapValueToKey -> TripletEmbedding on the photo paths with
/// batch-hard margin loss -> <c>Embeddings().Evaluate</c> of the held-out photos; the baseline from the untrained
/// backbone's pooled features), in a process of its own so its peak RSS is its own. Prints its figures as one JSON
/// line.</summary>
internal static class SimilarityPackageRun
{
    /// <summary>A row of the photo listing, as <c>LoadFromImageFolder</c> names its columns.</summary>
    private sealed class Photo
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }

    public static int Run(SimilarityOptions o)
    {
        torch.set_num_threads(o.Threads);
        string mode = o.Mode ?? throw new ArgumentException("--mode is required.");
        var ml = new MLContext(seed: o.Seed);
        var load = Stopwatch.StartNew();
        var photos = ml.Data.CreateEnumerable<Photo>(ml.Data.LoadFromImageFolder(o.DataDir), reuseRowObject: false).ToList();
        var classes = photos.Select(p => p.Label).Distinct().Order(StringComparer.Ordinal).ToList();
        var trainClasses = classes.Take(SimilarityOptions.TrainClassCount(classes.Count, o.DataDir)).ToHashSet();
        var trainPhotos = photos.Where(p => trainClasses.Contains(p.Label)).ToList();
        IDataView train = ml.Data.LoadFromEnumerable(trainPhotos);
        IDataView heldOut = ml.Data.LoadFromEnumerable(photos.Where(p => !trainClasses.Contains(p.Label)).ToList());
        // The trainer reads a key fitted on the training classes (numbered by name, as the peer numbers them); the
        // held-out photos keep their text labels, which name classes the key does not know.
        var keys = ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label",
            keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(train);
        load.Stop();

        var log = new PackageTrainingLog($"package {mode}");
        var options = new TripletEmbeddingOptions
        {
            FeatureColumnName = "ImagePath", LabelColumnName = "LabelKey",
            BackboneMode = SimilarityOptions.BackboneMode(mode),
            FineTuneBlocks = mode == "last" ? 1 : null,
            Loss = TripletLossKind.Margin, Mining = TripletMining.BatchHard, Margin = o.Margin,
            LearningRate = o.LearningRate, BackboneLearningRateFactor = o.BackboneLearningRateFactor, LearningRateSchedule = o.TrainerSchedule, EmbeddingSize = o.EmbeddingSize,
            ClassesPerBatch = o.ClassesPerBatch, SamplesPerClass = o.SamplesPerClass, NumberOfEpochs = o.Epochs,
            EmbeddingSource = o.Embed switch
            {
                "backbone" => PhotoEmbeddingSource.Backbone,
                "backbone-and-pretrained" => PhotoEmbeddingSource.BackboneAndPretrained,
                _ => PhotoEmbeddingSource.Head,
            },
            // The recipe's inference batch (64 photos through the ResNet at once bounds the peak RSS).
            InferenceBatchSize = TripletEmbeddingOptions.PhotoRecipe().InferenceBatchSize,
            Seed = o.Seed, DecoderThreads = o.DecoderThreads,
            // Frozen: the end of the Preparing pass (the training photos' features) gives its images and seconds.
            ProgressCallback = log.Progress, MetricsCallback = log.Epoch,
        };
        var fit = Stopwatch.StartNew();
        var embedder = ml.Transforms.TripletEmbedding(options).Fit(keys.Transform(train));
        fit.Stop();

        // Every held-out photo queries all the others; Transform is lazy, Evaluate pulls every photo through it.
        var embed = Stopwatch.StartNew();
        var trained = ml.Embeddings().Evaluate(embedder.Transform(heldOut), "Embedding", "Label");
        embed.Stop();

        int nHeldOut = checked((int)heldOut.GetRowCount()!.Value);
        var result = new SimilarityRunResult
        {
            Side = "package", Mode = mode, Runtime = Child.RuntimeDescription, Epochs = log.Epochs.Count, Threads = o.Threads,
            Seed = o.Seed, NTrain = checked((int)train.GetRowCount()!.Value), NTest = nHeldOut,
            TrainClasses = trainClasses.Count, HeldOutClasses = classes.Count - trainClasses.Count,
            ClassesPerBatch = o.ClassesPerBatch, SamplesPerClass = o.SamplesPerClass, LoadSeconds = load.Elapsed.TotalSeconds,
            FeatureImages = log.FeatureImages, FeatureSeconds = log.FeatureSeconds, FeatureImagesPerSecond = log.FeatureImagesPerSecond,
            TrainSeconds = log.TrainSeconds, TrainImages = log.TrainImages, TrainImagesPerSecond = log.TrainImagesPerSecond,
            FitSeconds = fit.Elapsed.TotalSeconds,
            Trained = new(trained.PrecisionAt1, trained.RPrecision, trained.MeanAveragePrecisionAtR),
            Baseline = Baseline(ml, keys, trainPhotos, heldOut, o.Seed),
            EmbedImagesPerSecond = nHeldOut / embed.Elapsed.TotalSeconds,
            DecoderWorkers = options.DecoderThreads ?? ImageWorkers.DuringTraining,
            PeakRssMb = ProcessMemory.PeakRssMb() ?? double.NaN, EpochDetails = log.Epochs, OmpEnv = Child.OmpEnv(),
        };
        Console.Out.WriteLine(JsonSerializer.Serialize(result, Json.Line));
        return 0;
    }

    /// <summary>Retrieval with the untrained backbone's pooled features, as examples/ImageSimilarity measures it:
    /// transfer learning's <c>FeaturesColumnName</c> gives them; its head is fitted on two photos of two classes only
    /// to build the transformer, and is not used.</summary>
    private static Retrieval Baseline(MLContext ml, ITransformer keys, List<Photo> trainPhotos, IDataView heldOut, int seed)
    {
        var fewPhotos = keys.Transform(ml.Data.LoadFromEnumerable(trainPhotos.GroupBy(p => p.Label).Take(2).SelectMany(g => g.Take(2))));
        var backbone = ml.MulticlassClassification.Trainers.TransferLearning(new TransferLearningTrainer.Options
        {
            ImageColumnName = "ImagePath", LabelColumnName = "LabelKey", Mode = TransferMode.FrozenBackbone,
            NumberOfEpochs = 1, BatchSize = 4, FeaturesColumnName = "BackboneFeatures", Seed = seed,
        }).Fit(fewPhotos);
        var m = ml.Embeddings().Evaluate(backbone.Transform(heldOut), "BackboneFeatures", "Label");
        return new(m.PrecisionAt1, m.RPrecision, m.MeanAveragePrecisionAtR);
    }
}
