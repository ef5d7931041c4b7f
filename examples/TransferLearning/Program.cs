// Transfer learning on an image folder inside an ML.NET pipeline: photos stream from disk into an ImageNet-pretrained
// ResNet-18 with a new head, trained frozen or fine-tuned; ML.NET's evaluator scores the validation folder; the model
// zip, metrics.json, loss curves, confusion matrix and a gallery of misclassified photos go to --out; the zip is
// reloaded to check it reproduces the accuracy.
// Run: dotnet run --project examples/TransferLearning -c Release [-- --mode finetune | --help]
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MlNetTriplet;
using MlNetTriplet.Examples;
using MlNetTriplet.Plots;
using TransferLearning;

var options = CommandLine.Parse(args, ExampleOptions.Parse, o => o.Help, ExampleOptions.Usage, out int exitCode);
if (options is null)
    return exitCode;

string? root = PhotoExamples.ExistingFolder(options.DataDirectory, options.DataDirectoryGiven,
    "a folder holding train/ and val/ folders of class sub-folders");
if (root is null)
    return 2;
var ml = PhotoExamples.Context(options.Seed);

ImageFolderSplits splits;
IDataView train, validation;
ImageFolderSummary trainSummary, validationSummary;
try
{
    splits = ImageFolderSplits.Find(root);
    train = ml.Data.LoadFromImageFolder(splits.Train, out trainSummary);
    validation = ml.Data.LoadFromImageFolder(splits.Validation, out validationSummary);
}
catch (Exception e) when (e is DirectoryNotFoundException or InvalidDataException or ArgumentException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
Console.WriteLine($"Training photos:   {trainSummary}");
Console.WriteLine($"Validation photos: {validationSummary}");

PretrainedBackbone backbone;
try
{
    backbone = options.WeightsFile is null
        ? PretrainedBackbone.ResNet18ImageNet()
        : PretrainedBackbone.FromFile(options.Architecture, options.WeightsFile);
}
catch (Exception e) when (e is FileNotFoundException or ArgumentException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var progress = new ProgressBar();
var trainerOptions = new TransferLearningTrainer.Options
{
    Backbone = backbone,
    Mode = options.Mode,
    FineTuneBlocks = options.Mode == TransferMode.FineTuneLastBlocks ? options.Blocks : null,
    NumberOfEpochs = options.EffectiveEpochs,
    BatchSize = options.BatchSize,
    Seed = options.Seed,
    SkipUnreadableImages = options.SkipUnreadable,
    ProgressCallback = progress.Report,
    MetricsCallback = ClassifierReport.EpochPrinter(options.EffectiveEpochs),
};
Console.WriteLine();
Console.WriteLine($"Backbone {backbone.Name}, mode {options.ModeName}, {options.EffectiveEpochs} epochs, " +
    $"batch {options.BatchSize}, seed {options.Seed}.");

// The label becomes a key before the trainer (ordered by value, so class order is the folders' order); the trainer
// is fitted with the validation folder, for the loss curves. The saved pipeline maps the key back to the class name.
var keys = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
    .Fit(train);
var clock = Stopwatch.StartNew();
TransferLearningTransformer classifier;
try
{
    classifier = ml.MulticlassClassification.Trainers.TransferLearning(trainerOptions)
        .Fit(keys.Transform(train), keys.Transform(validation));
}
catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
{
    progress.Clear();
    Console.Error.WriteLine(e.Message);
    return 2;
}
double trainSeconds = clock.Elapsed.TotalSeconds;
var model = keys.Append(classifier)
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel").Fit(classifier.Transform(keys.Transform(train))));
Console.WriteLine($"Trained in {trainSeconds:F1} s" +
    (classifier.SkippedImageCount > 0 ? $"; {classifier.SkippedImageCount} unreadable photo(s) left out." : "."));

clock.Restart();
var scored = model.Transform(validation);
var metrics = ml.MulticlassClassification.Evaluate(scored);
double scoreSeconds = clock.Elapsed.TotalSeconds;
var classes = Report.ClassNames(scored.Schema["Label"]);
Console.WriteLine();
Console.WriteLine($"Validation ({validationSummary.ImageCount} photos, scored in {scoreSeconds:F1} s): " +
    $"accuracy {ClassifierReport.Percent(metrics.MicroAccuracy)}, macro accuracy {ClassifierReport.Percent(metrics.MacroAccuracy)}, log-loss {metrics.LogLoss:F4}");
var perClass = ClassifierReport.PerClass(metrics, classes);
ClassifierReport.PrintPerClass(perClass);

string output = Path.GetFullPath(options.OutputDirectory);
Directory.CreateDirectory(output);
string zip = Path.Combine(output, "model.zip");
ml.Model.Save(model, train.Schema, zip);
TrainingPlots.SaveLossCurves(classifier.History!, Path.Combine(output, "loss-curves.png"),
    $"Transfer learning ({options.ModeName}): loss and accuracy per epoch");
TrainingPlots.SaveConfusionMatrix(metrics.ConfusionMatrix, classes, Path.Combine(output, "confusion-matrix.png"),
    "Validation confusion matrix");
int misclassified = Report.SaveMisclassified(ml, model, scored, Path.Combine(output, "misclassified.png"));

// A fresh MLContext loads the zip as another process would: no weights file or featurizer package needed.
var reloaded = new MLContext().Model.Load(zip, out _);
double reloadedAccuracy = ml.MulticlassClassification.Evaluate(reloaded.Transform(validation)).MicroAccuracy;
bool reproduced = reloadedAccuracy == metrics.MicroAccuracy;

ClassifierReport.WriteMetricsJson(Path.Combine(output, "metrics.json"), new
{
    accuracy = metrics.MicroAccuracy,
    macroAccuracy = metrics.MacroAccuracy,
    logLoss = metrics.LogLoss,
    validationPhotos = validationSummary.ImageCount,
    trainingPhotos = trainSummary.ImageCount,
    skippedPhotos = classifier.SkippedImageCount,
    perClass,
    confusionMatrix = classes.Select((_, i) => metrics.ConfusionMatrix.Counts[i].Select(c => (int)c).ToArray()).ToArray(),
    backbone = backbone.Name,
    mode = options.ModeName,
    epochs = classifier.History!.Epochs.Count,
    bestEpoch = classifier.History.BestEpoch,
    seed = options.Seed,
    trainSeconds,
    scoreSeconds,
    history = classifier.History.Epochs,
});
Console.WriteLine();
Console.WriteLine($"Wrote {output}: model.zip, metrics.json, loss-curves.png, confusion-matrix.png" +
    (misclassified > 0 ? $", misclassified.png ({misclassified} photos)." : "; no validation photo is misclassified, so no misclassified.png."));
Console.WriteLine(reproduced
    ? $"Reloaded model.zip in a fresh MLContext: same accuracy ({ClassifierReport.Percent(reloadedAccuracy)})."
    : $"MISMATCH: the reloaded model scores {ClassifierReport.Percent(reloadedAccuracy)} instead of {ClassifierReport.Percent(metrics.MicroAccuracy)}.");
return reproduced ? 0 : 1;
