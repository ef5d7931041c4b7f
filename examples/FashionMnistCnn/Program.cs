// Fashion-MNIST with a CNN inside an ML.NET pipeline: load the IDX files, train, evaluate with ML.NET's evaluator,
// save the model zip with plots and metrics.json, reload the zip and check it reproduces the test accuracy.
// Run: dotnet run --project examples/FashionMnistCnn -c Release [-- --quick | --help]
using System.Diagnostics;
using System.Globalization;
using FashionMnistCnn;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms;
using MlNetTriplet;
using MlNetTriplet.Examples;
using MlNetTriplet.Plots;

var options = CommandLine.Parse(args, ExampleOptions.Parse, o => o.Help, ExampleOptions.Usage, out int exitCode);
if (options is null)
    return exitCode;

var files = DataFiles.Locate(options.DataDirectory, options.DataDirectoryGiven);
if (files is null)
    return 2;

return options.VerifyModelPath is null ? Train(options, files) : Verify(options, files, options.VerifyModelPath);

static int Train(ExampleOptions options, DataFiles files)
{
    var ml = new MLContext(seed: options.Seed);
    // The metrics callback below prints every epoch; from the log only the trainer's other notes (early stopping...).
    ml.Log += (_, e) =>
    {
        if (e.Kind != ChannelMessageKind.Trace && e.Source.Contains("Cnn", StringComparison.Ordinal)
            && !e.RawMessage.StartsWith("Epoch ", StringComparison.Ordinal))
            Console.WriteLine($"[{e.Source}] {e.RawMessage}");
    };

    Console.WriteLine($"Data: {Path.GetDirectoryName(files.TrainImages)}");
    var clock = Stopwatch.StartNew();
    IDataView train = ml.Data.LoadFromIdx(files.TrainImages, files.TrainLabels, options.TrainRows);
    IDataView test = ml.Data.LoadFromIdx(files.TestImages, files.TestLabels, options.TestRows);
    long trainRows = train.GetRowCount() ?? 0, testRows = test.GetRowCount() ?? 0;
    long validationRows = (long)Math.Round(trainRows * options.ValidationFraction);   // approximate: the split is stratified
    Console.WriteLine($"Loaded {trainRows:N0} training and {testRows:N0} test images in {clock.Elapsed.TotalSeconds:F1} s.");

    var progress = new ProgressBar();
    var trainerOptions = new CnnClassifierTrainer.Options
    {
        NumberOfEpochs = options.Epochs,
        BatchSize = options.BatchSize,
        Seed = options.Seed,
        ValidationFraction = options.ValidationFraction,
        ProgressCallback = progress.Report,
        MetricsCallback = ClassifierReport.EpochPrinter(options.Epochs),
    };
    // Transforms before and after the CNN, so the saved zip holds a whole pipeline: raw label -> key -> CNN ->
    // predicted key -> predicted label value.
    var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
        .Append(ml.MulticlassClassification.Trainers.Cnn(trainerOptions))
        .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabelValue", "PredictedLabel"));

    Console.WriteLine();
    Console.WriteLine($"Training: {options.Epochs} epoch(s), batch {options.BatchSize}, seed {options.Seed}, " +
        (options.ValidationFraction > 0 ? $"about {validationRows:N0} images held out for validation." : "no validation."));
    clock.Restart();
    using var model = pipeline.Fit(train);
    double fitSeconds = clock.Elapsed.TotalSeconds;
    var cnn = model.OfType<CnnClassifierTransformer>().Single();
    var history = cnn.History ?? throw new InvalidOperationException("The trained CNN has no training history.");
    var epochs = history.Epochs;
    Console.WriteLine($"Trained in {fitSeconds:F1} s (training steps {epochs.Sum(e => e.Seconds):F1} s, " +
        $"{epochs.Sum(e => e.Examples) / epochs.Sum(e => e.Seconds):F0} images/s); best epoch {history.BestEpoch}" +
        (history.StoppedEarly ? ", stopped early." : "."));

    clock.Restart();
    IDataView scored = model.Transform(test);
    var metrics = ml.MulticlassClassification.Evaluate(scored);
    double evaluateSeconds = clock.Elapsed.TotalSeconds;
    var classes = Report.ClassNames(scored.Schema["Label"], options.ClassNames);
    var perClass = ClassifierReport.PerClass(metrics, classes.Select(c => c.Name).ToList());
    Console.WriteLine();
    Console.WriteLine($"Test set ({testRows:N0} images, scored in {evaluateSeconds:F1} s, {testRows / evaluateSeconds:F0} images/s):");
    Console.WriteLine($"  accuracy {ClassifierReport.Percent(metrics.MicroAccuracy)}   macro accuracy {ClassifierReport.Percent(metrics.MacroAccuracy)}   " +
        $"log-loss {metrics.LogLoss:F4}");
    ClassifierReport.PrintPerClass(perClass);
    Console.WriteLine(metrics.ConfusionMatrix.GetFormattedConfusionTable());
    PrintSamples(ml, model, test, classes);

    string outDir = Path.GetFullPath(options.OutputDirectory);
    Directory.CreateDirectory(outDir);
    string modelPath = Path.Combine(outDir, "fashion-mnist-cnn.zip");
    string lossPath = Path.Combine(outDir, "loss-curves.png");
    string confusionPath = Path.Combine(outDir, "confusion-matrix.png");
    string metricsPath = Path.Combine(outDir, "metrics.json");
    string dataset = options.ClassNames == ClassNameSet.Fashion ? "Fashion-MNIST"
        : Path.GetFileName(Path.GetDirectoryName(files.TrainImages)) ?? "IDX data";

    ml.Model.Save(model, train.Schema, modelPath);
    TrainingPlots.SaveLossCurves(history, lossPath, $"CNN on {dataset}: {trainRows:N0} training images, batch {options.BatchSize}");
    TrainingPlots.SaveConfusionMatrix(metrics.ConfusionMatrix, perClass.Select(c => c.Name).ToList(), confusionPath,
        $"{dataset} test set ({testRows:N0} images): accuracy {ClassifierReport.Percent(metrics.MicroAccuracy)}");

    // The zip in a fresh MLContext, on freshly loaded test data: it must give the very same accuracy.
    var reloadContext = new MLContext(seed: options.Seed + 1);
    var reloaded = reloadContext.Model.Load(modelPath, out _);
    var reloadedMetrics = reloadContext.MulticlassClassification.Evaluate(reloaded.Transform(
        reloadContext.Data.LoadFromIdx(files.TestImages, files.TestLabels, options.TestRows)));
    (reloaded as IDisposable)?.Dispose();
    bool reproduced = reloadedMetrics.MicroAccuracy == metrics.MicroAccuracy;
    Console.WriteLine();
    Console.WriteLine($"Reloaded {modelPath} in a new MLContext: accuracy {ClassifierReport.Percent(reloadedMetrics.MicroAccuracy)}, " +
        $"log-loss {reloadedMetrics.LogLoss:F4}: " + (reproduced ? "the same as before saving." : "DIFFERENT from before saving!"));
    if (reproduced && reloadedMetrics.LogLoss != metrics.LogLoss)
        Console.WriteLine($"  (log-loss differs in the last digits: {metrics.LogLoss:R} vs {reloadedMetrics.LogLoss:R})");

    ClassifierReport.WriteMetricsJson(metricsPath, new
    {
        dataset,
        dataDirectory = Path.GetDirectoryName(files.TrainImages),
        training = new
        {
            rows = trainRows,
            validationFraction = options.ValidationFraction,
            epochs = options.Epochs,
            batchSize = options.BatchSize,
            seed = options.Seed,
            seconds = fitSeconds,
        },
        test = new
        {
            rows = testRows,
            accuracy = metrics.MicroAccuracy,
            macroAccuracy = metrics.MacroAccuracy,
            logLoss = metrics.LogLoss,
            perClass,
            confusionMatrix = metrics.ConfusionMatrix.Counts,
        },
        reload = new { accuracy = reloadedMetrics.MicroAccuracy, logLoss = reloadedMetrics.LogLoss, reproduced },
        history = new
        {
            history.BestEpoch,
            history.StoppedEarly,
            epochs = epochs.Select(e => new
            {
                e.Epoch, e.TrainLoss, e.TrainAccuracy, e.ValidationLoss, e.ValidationAccuracy, e.LearningRate, e.Seconds,
                e.Examples, e.ExamplesPerSecond,
            }),
        },
    });

    Console.WriteLine();
    Console.WriteLine("Wrote:");
    foreach (string path in new[] { modelPath, lossPath, confusionPath, metricsPath })
        Console.WriteLine($"  {path}");
    Console.WriteLine($"Check the zip in another process: dotnet run --project examples/FashionMnistCnn -c Release -- --verify-model {modelPath}" +
        (options.DataDirectoryGiven ? $" --data-dir {Path.GetDirectoryName(files.TrainImages)}" : ""));
    return reproduced ? 0 : 1;
}

static int Verify(ExampleOptions options, DataFiles files, string zipPath)
{
    string path = Path.GetFullPath(zipPath);
    if (!File.Exists(path))
    {
        Console.Error.WriteLine($"No model zip at {path}.");
        return 1;
    }
    string metricsPath = Path.Combine(Path.GetDirectoryName(path)!, "metrics.json");
    var recorded = Report.ReadRecordedAccuracy(metricsPath);
    // Score the same test images as the run that saved the zip, unless told otherwise.
    int testRows = options.TestRowsGiven ? options.TestRows : recorded?.TestRows ?? 0;

    var ml = new MLContext(seed: options.Seed);
    var clock = Stopwatch.StartNew();
    var model = ml.Model.Load(path, out _);
    double loadSeconds = clock.Elapsed.TotalSeconds;
    IDataView test = ml.Data.LoadFromIdx(files.TestImages, files.TestLabels, testRows);
    clock.Restart();
    var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
    (model as IDisposable)?.Dispose();
    long rows = test.GetRowCount() ?? 0;
    Console.WriteLine($"Process {Environment.ProcessId} loaded {path} in {loadSeconds:F1} s and scored {rows:N0} test images " +
        $"in {clock.Elapsed.TotalSeconds:F1} s: accuracy {ClassifierReport.Percent(metrics.MicroAccuracy)} ({metrics.MicroAccuracy:R}), " +
        $"log-loss {metrics.LogLoss:F4}.");

    if (recorded is not { } r)
    {
        Console.WriteLine("No metrics.json beside the zip to compare with.");
        return 0;
    }
    if (r.TestRows != rows)
    {
        Console.WriteLine($"metrics.json records {r.TestRows:N0} test images, not {rows:N0}: not compared.");
        return 0;
    }
    bool same = metrics.MicroAccuracy == r.Accuracy;
    Console.WriteLine(same
        ? $"Identical to the accuracy recorded when the model was trained ({metricsPath})."
        : $"DIFFERENT from the accuracy recorded when the model was trained: {r.Accuracy:R} ({metricsPath}).");
    return same ? 0 : 1;
}

static void PrintSamples(MLContext ml, ITransformer model, IDataView test, List<(uint Label, string Name)> classes)
{
    var names = classes.ToDictionary(c => c.Label, c => c.Name);
    string Name(uint label) => names.TryGetValue(label, out var n) ? n : label.ToString(CultureInfo.InvariantCulture);
    var sample = ml.Data.TakeRows(test, 8);
    var truth = ml.Data.CreateEnumerable<LabelRow>(sample, reuseRowObject: false).Select(r => r.Label);
    var predicted = ml.Data.CreateEnumerable<PredictionRow>(model.Transform(sample), reuseRowObject: false);
    Console.WriteLine("First test images (PredictedLabelValue comes from the MapKeyToValue after the CNN):");
    foreach (var (label, p) in truth.Zip(predicted))
        Console.WriteLine($"  true {Name(label),-12} predicted {Name(p.PredictedLabelValue),-12} ({ClassifierReport.Percent(p.Score.Max())})" +
            (label == p.PredictedLabelValue ? "" : "  <- wrong"));
}

internal sealed class LabelRow
{
    public uint Label { get; set; }
}

internal sealed class PredictionRow
{
    public uint PredictedLabelValue { get; set; }

    public float[] Score { get; set; } = [];
}
