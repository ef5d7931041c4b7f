// Image similarity on photos inside an ML.NET pipeline: an ImageNet-pretrained ResNet-18 with an embedding head is
// trained by metric learning on the first half of the class folders, then used to search among the photos of the
// other half, classes it never saw (the protocol of "A Metric Learning Reality Check"). Retrieval is measured with
// the package's embedding evaluator against the untrained backbone's pooled features; a nearest-neighbour search
// transform is fitted on the held-out photos, saved with the embedding network in one zip and reloaded.
// Run: dotnet run --project examples/ImageSimilarity -c Release [-- --data-dir DIR | --help]
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet;
using MlNetTriplet.Examples;
using MlNetTriplet.Plots;
using ImageSimilarity;

var options = CommandLine.Parse(args, ExampleOptions.Parse, o => o.Help, ExampleOptions.Usage, out int exitCode);
if (options is null)
    return exitCode;

string? root = PhotoExamples.ExistingFolder(options.DataDirectory, options.DataDirectoryGiven,
    "a folder with one sub-folder of photos per class");
if (root is null)
    return 2;
var ml = PhotoExamples.Context(options.Seed);
var total = Stopwatch.StartNew();

// Photos: one folder per class, or train/ and val/ folders of the same classes (joined: this protocol splits by class).
List<Photo> photos;
try
{
    photos = PhotoFolders.Read(ml, root);
}
catch (Exception e) when (e is DirectoryNotFoundException or InvalidDataException or ArgumentException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
var classes = photos.Select(p => p.Label).Distinct().Order(StringComparer.Ordinal).ToList();
if (classes.Count < 4)
{
    Console.Error.WriteLine($"{root} holds {classes.Count} class folder(s); this protocol needs at least 4 (half to train on, half held out).");
    return 2;
}
var trainClasses = classes.Take(classes.Count / 2).ToHashSet();
var trainPhotos = photos.Where(p => trainClasses.Contains(p.Label)).ToList();
var heldOutPhotos = photos.Where(p => !trainClasses.Contains(p.Label)).ToList();
IDataView train = ml.Data.LoadFromEnumerable(trainPhotos), heldOut = ml.Data.LoadFromEnumerable(heldOutPhotos);
Console.WriteLine($"Training classes: {trainClasses.Count} ({trainPhotos.Count} photos), {classes[0]} .. {classes[trainClasses.Count - 1]}");
Console.WriteLine($"Held-out classes: {classes.Count - trainClasses.Count} ({heldOutPhotos.Count} photos), " +
    $"{classes[trainClasses.Count]} .. {classes[^1]}: never seen in training");

// The label the trainer reads is a key copy fitted on the training classes; the held-out photos keep their text
// labels, which name classes the key does not know.
var keys = ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label").Fit(train);
var progress = new ProgressBar();
// The package's photo recipe; each command-line option overrides one part of it.
var embedderOptions = TripletEmbeddingOptions.PhotoRecipe();
embedderOptions.LabelColumnName = "LabelKey";
embedderOptions.BackboneMode = options.Mode;
// A frozen backbone does not train: the head's output is the embedding then.
embedderOptions.EmbeddingSource = options.Embed
    ?? (options.Mode == TransferMode.FrozenBackbone ? PhotoEmbeddingSource.Head : embedderOptions.EmbeddingSource);
embedderOptions.FineTuneBlocks = options.Mode == TransferMode.FineTuneLastBlocks ? options.Blocks : null;
embedderOptions.Loss = options.Loss;
// Mining picks triplets for the margin loss only: the recipe's is dropped for the other losses, a --mining given with
// them is left for the trainer's check to report.
embedderOptions.Mining = options.Mining ?? (options.Loss == TripletLossKind.Margin ? embedderOptions.Mining : null);
embedderOptions.ClassesPerBatch = Math.Min(8, trainClasses.Count);
embedderOptions.Seed = options.Seed;
embedderOptions.SkipUnreadableImages = options.SkipUnreadable;
embedderOptions.ProgressCallback = progress.Report;
if (options.EmbeddingSize is int size)
    embedderOptions.EmbeddingSize = size;
if (options.EffectiveEpochs is int epochs)
    embedderOptions.NumberOfEpochs = epochs;
if (options.Margin is double margin)
    embedderOptions.Margin = margin;
if (options.LearningRate is double learningRate)
    embedderOptions.LearningRate = learningRate;
if (options.BackboneLearningRateFactor is double factor)
    embedderOptions.BackboneLearningRateFactor = factor;
if (options.Schedule is LearningRateSchedule schedule)
    embedderOptions.LearningRateSchedule = schedule;
Console.WriteLine();
Console.WriteLine($"ResNet-18 (ImageNet), mode {options.ModeName}, loss {options.Loss} (margin {embedderOptions.Margin}, lr {embedderOptions.LearningRate}, {embedderOptions.LearningRateSchedule}), {embedderOptions.EmbeddingSize}-d head{EmbedsWith(embedderOptions.EmbeddingSource)}, " +
    $"{embedderOptions.ClassesPerBatch} x {embedderOptions.SamplesPerClass} photos a batch, {embedderOptions.NumberOfEpochs} epochs, seed {options.Seed}.");
var clock = Stopwatch.StartNew();
TripletEmbeddingTransformer embedder;
try
{
    embedder = ml.Transforms.TripletEmbedding(embedderOptions).Fit(keys.Transform(train));
}
catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
{
    progress.Clear();
    Console.Error.WriteLine(e.Message);
    return 2;
}
catch (ArgumentException e)
{
    // An option the trainer's check refuses (e.g. --mining with a loss that mines its own pairs): its message names
    // the option and what it takes, before any photo is read.
    progress.Clear();
    Console.Error.WriteLine(e.Message);
    return 1;
}
double trainSeconds = clock.Elapsed.TotalSeconds;
progress.Clear();
Console.WriteLine($"Trained in {trainSeconds:F1} s.");

// Every held-out photo queries all the others. ML.NET's cache keeps the embeddings for the search and the map.
clock.Restart();
IDataView embedded = ml.Data.Cache(embedder.Transform(heldOut));
var trained = ml.Embeddings().Evaluate(embedded, "Embedding", "Label");
double embedSeconds = clock.Elapsed.TotalSeconds;

// The baseline every metric-learning paper beats: the same backbone's pooled features, untrained. Transfer
// learning's FeaturesColumnName gives them; its head is fitted on a few photos only to build the transformer, and
// is not used. Euclidean is the protocol's baseline; cosine (the features L2-normalised) is the fair one for
// embeddings that are unit length, as the recipe's are: normalising alone gains a few points.
var fewPhotos = ml.Data.LoadFromEnumerable(trainPhotos.GroupBy(p => p.Label).Take(2).SelectMany(g => g.Take(2)));
var backbone = ml.MulticlassClassification.Trainers.TransferLearning(new TransferLearningTrainer.Options
{
    ImageColumnName = "ImagePath", LabelColumnName = "LabelKey", Mode = TransferMode.FrozenBackbone, NumberOfEpochs = 1,
    BatchSize = 4, FeaturesColumnName = "BackboneFeatures", Seed = options.Seed, SkipUnreadableImages = options.SkipUnreadable,
}).Fit(keys.Transform(fewPhotos));
IDataView untrained = ml.Data.Cache(backbone.Transform(heldOut));
var baseline = ml.Embeddings().Evaluate(untrained, "BackboneFeatures", "Label");
var cosineBaseline = ml.Embeddings().Evaluate(untrained, "BackboneFeatures", "Label",
    options: new EmbeddingEvaluationOptions { Distance = DistanceMetric.Cosine });

Console.WriteLine();
Console.WriteLine($"Retrieval among the {trained.Rows} held-out photos ({trained.Classes} classes never trained on):");
Console.WriteLine($"  {"",-36} {"P@1",7} {"R-prec.",8} {"MAP@R",7}");
Console.WriteLine($"  {"untrained backbone (pooled, Euclid.)",-36} {baseline.PrecisionAt1,7:F3} {baseline.RPrecision,8:F3} {baseline.MeanAveragePrecisionAtR,7:F3}");
Console.WriteLine($"  {"untrained backbone (pooled, cosine)",-36} {cosineBaseline.PrecisionAt1,7:F3} {cosineBaseline.RPrecision,8:F3} {cosineBaseline.MeanAveragePrecisionAtR,7:F3}");
Console.WriteLine($"  {"trained embeddings",-36} {trained.PrecisionAt1,7:F3} {trained.RPrecision,8:F3} {trained.MeanAveragePrecisionAtR,7:F3}");

// Search: the held-out photos become the gallery (their paths are the ids, so the gallery can show them).
var search = ml.Transforms.NearestNeighbors(new NearestNeighborsOptions
{
    FeatureColumnName = "Embedding", LabelColumnName = "Label", IdColumnName = "ImagePath",
    NeighborCount = options.Neighbors + 1,   // the query itself comes first: the gallery leaves it out
}).Fit(embedded);
var model = new TransformerChain<ITransformer>(embedder, search);
var queryPhotos = heldOutPhotos.GroupBy(p => p.Label).Select(g => g.First()).Take(options.Queries).ToList();
IDataView queries = ml.Data.LoadFromEnumerable(queryPhotos);

string output = Path.GetFullPath(options.OutputDirectory);
Directory.CreateDirectory(output);
string zip = Path.Combine(output, "model.zip");
ml.Model.Save(model, heldOut.Schema, zip);
int drawn = NeighborGallery.Save(model.Transform(queries), Path.Combine(output, "neighbors.png"), new NeighborGalleryOptions
{
    MaxQueries = options.Queries, MaxNeighbors = options.Neighbors,
    Title = $"Held-out classes: each query (left) and its {options.Neighbors} nearest photos (another class in red)",
});
if (!options.NoMap)
{
    var map = ml.Transforms.ProjectToUmap("Map", "Embedding", new UmapOptions { Seed = options.Seed }).Fit(embedded);
    ScatterPlots.SaveScatter(map.Transform(embedded), "Map", "Label", Path.Combine(output, "map.png"),
        $"UMAP of the embeddings of {heldOutPhotos.Count} photos of {classes.Count - trainClasses.Count} classes never trained on");
}

// A fresh MLContext loads the zip as another process would, and finds the same neighbours for the queries.
var reloaded = new MLContext().Model.Load(zip, out _);
bool reproduced = Neighbors(model.Transform(queries)).SequenceEqual(Neighbors(reloaded.Transform(queries)));

ClassifierReport.WriteMetricsJson(Path.Combine(output, "metrics.json"), new
{
    map_at_r = trained.MeanAveragePrecisionAtR,
    precision_at_1 = trained.PrecisionAt1,
    r_precision = trained.RPrecision,
    baseline_map_at_r = baseline.MeanAveragePrecisionAtR,
    baseline_precision_at_1 = baseline.PrecisionAt1,
    baseline_r_precision = baseline.RPrecision,
    baseline = "pooled features of the untrained backbone, Euclidean",
    baseline_cosine_map_at_r = cosineBaseline.MeanAveragePrecisionAtR,
    baseline_cosine_precision_at_1 = cosineBaseline.PrecisionAt1,
    baseline_cosine_r_precision = cosineBaseline.RPrecision,
    train_classes = trainClasses.Count,
    train_photos = trainPhotos.Count,
    heldout_classes = classes.Count - trainClasses.Count,
    heldout_photos = heldOutPhotos.Count,
    mode = options.ModeName,
    loss = options.Loss.ToString(),
    mining = embedderOptions.Mining?.ToString() ?? "default",
    margin = embedderOptions.Margin,
    learning_rate = embedderOptions.LearningRate,
    backbone_learning_rate_factor = embedderOptions.BackboneLearningRateFactor,
    schedule = embedderOptions.LearningRateSchedule.ToString(),
    head_size = embedderOptions.EmbeddingSize,
    embedding = embedderOptions.EmbeddingSource.ToString(),
    embedding_size = embedder.EmbeddingSize,
    epochs = embedderOptions.NumberOfEpochs,
    seed = options.Seed,
    train_seconds = trainSeconds,
    embed_and_evaluate_seconds = embedSeconds,
    total_seconds = total.Elapsed.TotalSeconds,
});
Console.WriteLine();
Console.WriteLine($"Wrote {output}: model.zip (embedding network + search over the held-out photos), metrics.json, " +
    $"neighbors.png ({drawn} queries){(options.NoMap ? "" : ", map.png")}; {total.Elapsed.TotalSeconds:F0} s in all.");
Console.WriteLine(reproduced
    ? "Reloaded model.zip in a fresh MLContext: the same neighbours for every query."
    : "MISMATCH: the reloaded model finds other neighbours.");
return reproduced ? 0 : 1;

static List<string> Neighbors(IDataView searched) =>
    searched.GetColumn<VBuffer<ReadOnlyMemory<char>>>("NeighborIds")
        .SelectMany(ids => ids.DenseValues().Select(id => id.ToString())).ToList();

static string EmbedsWith(PhotoEmbeddingSource source) => source switch
{
    PhotoEmbeddingSource.Backbone => " (training only: the backbone's pooled features embed)",
    PhotoEmbeddingSource.BackboneAndPretrained => " (training only: the fine-tuned and the untrained backbone's pooled features embed)",
    _ => "",
};
