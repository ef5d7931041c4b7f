// Bank marketing with a feed-forward neural network inside an ML.NET pipeline (the deep-learning book recipe):
// infer the columns, split 80/20 stratified, preprocess with ML.NET transforms, train the network plain, with L1+L2,
// with dropout and with all three, compare with ML.NET LightGBM, print training vs validation metrics and the business
// table, write loss and ROC curves, save the model and check it in a fresh process.
// Run: dotnet run --project examples/BankMarketing -c Release [-- --csv FILE --sep ';' --target y | --help]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BankMarketing;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.LightGbm;
using MlNetTriplet;
using MlNetTriplet.Examples;
using MlNetTriplet.Plots;

var options = CommandLine.Parse(args, ExampleOptions.Parse, o => o.Help, ExampleOptions.Usage, out int exitCode);
if (options is null)
    return exitCode;
string csv = Path.GetFullPath(options.Csv);
if (!File.Exists(csv))
{
    Console.Error.WriteLine($"No CSV at {csv}. Give one with --csv (the bank-marketing files are in the repository's data/bank-marketing/).");
    return 1;
}
try
{
    return options.VerifyModelPath is null ? Train(options, csv) : Verify(csv, options.VerifyModelPath);
}
catch (InvalidDataException e)
{
    Console.Error.WriteLine($"Bad data: {e.Message}");
    return 1;
}

static int Train(ExampleOptions o, string csv)
{
    var ml = new MLContext(seed: o.Seed);
    // Per-epoch lines come from the metrics callback; from the log only the trainers' other notes.
    ml.Log += (_, e) =>
    {
        if (e.Kind is ChannelMessageKind.Warning or ChannelMessageKind.Error
            || (e.Kind == ChannelMessageKind.Info && e.Source.Contains("NeuralNetwork", StringComparison.Ordinal)
                && !e.RawMessage.StartsWith("Epoch ", StringComparison.Ordinal)))
            Console.WriteLine($"  [{e.Source}] {e.RawMessage}");
    };

    var table = BankTable.Infer(ml, csv, o.Separator, o.Target, o.Positive);
    Console.WriteLine($"Data: {csv}");
    Console.WriteLine($"  target '{table.Target}': '{table.PositiveValue}' is positive, '{table.NegativeValue}' negative");
    Console.WriteLine($"  numeric (standardised): {string.Join(", ", table.Numeric)}");
    Console.WriteLine($"  yes/no (to 1/0):        {string.Join(", ", table.YesNo)}");
    Console.WriteLine($"  categorical (one-hot):  {string.Join(", ", table.Categorical)}");
    if (table.Missing.Count > 0)
    {
        foreach (var (column, count, row) in table.Missing)
            Console.WriteLine($"  column '{column}' has {count:N0} empty cell(s), the first on line {row + 2} of the file");
        if (!o.ImputeMissing)
        {
            Console.Error.WriteLine("Missing values in feature columns (listed above): remove those rows, or pass --impute-missing " +
                "(numeric: column mean via ML.NET ReplaceMissingValues; yes/no: no; categorical: a category of its own).");
            return 1;
        }
    }

    var loader = table.Loader(ml);
    IDataView data = loader.Load(csv);
    // Stratified, as the reference recipe's sklearn train_test_split(stratify=y): ML.NET's TrainTestSplit samples by
    // hash, so the class balance of the two parts would drift.
    var split = ml.Data.StratifiedTrainTestSplit(data, o.ValidationFraction, table.Target, o.Seed);
    var labels = table.LabelMapping(ml).Fit(split.TrainSet);
    IDataView train = labels.Transform(split.TrainSet), valid = labels.Transform(split.TestSet);
    var prep = table.Preprocessing(ml, o.ImputeMissing).Fit(train);
    IDataView trainFeatures = ml.Data.Cache(prep.Transform(train)), validFeatures = ml.Data.Cache(prep.Transform(valid));
    long nTrain = trainFeatures.GetRowCount() ?? 0, nValid = validFeatures.GetRowCount() ?? 0;
    int width = ((VectorDataViewType)trainFeatures.Schema["Features"].Type).Size;
    Console.WriteLine($"  {nTrain + nValid:N0} rows: {nTrain:N0} training, {nValid:N0} validation (stratified, seed {o.Seed}); {width} features");

    string outDir = Path.GetFullPath(o.OutputDirectory);
    Directory.CreateDirectory(outDir);
    long positives = train.GetColumn<bool>("Label").LongCount(l => l);
    double share = (double)positives / nTrain;
    Console.WriteLine($"  training positives: {positives:N0} ({share:P1}); always answering '{table.NegativeValue}' would be {1 - share:P1} accurate");
    var settings = new List<(string Name, string File, double L1, double L2, float Dropout, double PositiveWeight)>
    {
        ("plain", "plain", 0, 0, 0, 1),
        ("L1+L2", "l1-l2", o.L1, o.L2, 0, 1),
        ("dropout", "dropout", 0, 0, o.Dropout, 1),
        ("L1+L2+dropout", "l1-l2-dropout", o.L1, o.L2, o.Dropout, 1),
    };
    // On an imbalanced target a 0.5 threshold calls few customers: weighting the positives by negatives / positives
    // (PositiveClassWeight) balances the loss and moves precision towards recall.
    if (share < 0.35)
        settings.Add(($"L1+L2, positive weight {(1 - share) / share:F1}", "l1-l2-weighted", o.L1, o.L2, 0, (1 - share) / share));
    var rows = new List<Row>();
    var networks = new List<(string Name, NeuralNetworkTransformer Model)>();
    foreach (var s in settings)
    {
        Console.WriteLine();
        Console.WriteLine($"Network, {s.Name}: 64-128-64 ReLU, Adam 0.001, batch 64, {o.Epochs} epochs, L1 {s.L1:G3}, L2 {s.L2:G3}, " +
            $"dropout {s.Dropout:G3}, positive weight {s.PositiveWeight:G3}");
        var trainer = ml.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options
        {
            NumberOfEpochs = o.Epochs,
            Seed = o.Seed,
            L1 = s.L1,
            L2 = s.L2,
            PositiveClassWeight = s.PositiveWeight,
            Architecture = new MlpArchitecture { HiddenLayers = [64, 128, 64], InputDropout = s.Dropout, HiddenDropout = s.Dropout },
            MetricsCallback = m => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  epoch {m.Epoch,2}: loss {m.TrainLoss:F4}  validation loss {m.ValidationLoss:F4}  validation accuracy {m.ValidationAccuracy:P1}  ({m.Seconds:F2} s)")),
        });
        var clock = Stopwatch.StartNew();
        var network = trainer.Fit(trainFeatures, validFeatures);
        double seconds = clock.Elapsed.TotalSeconds;
        networks.Add((s.Name, network));
        rows.Add(Row.Of($"network, {s.Name}", seconds, Evaluate(ml, network, trainFeatures), Evaluate(ml, network, validFeatures)));
        TrainingPlots.SaveLossCurves(network.History!, Path.Combine(outDir, $"loss-{s.File}.png"),
            $"Bank marketing network, {s.Name}: {nTrain:N0} training rows, batch 64");
    }

    Console.WriteLine();
    Console.WriteLine("ML.NET LightGBM (defaults), same split and features");
    var lightGbmClock = Stopwatch.StartNew();
    var lightGbm = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options { Seed = o.Seed }).Fit(trainFeatures);
    rows.Add(Row.Of("ML.NET LightGBM", lightGbmClock.Elapsed.TotalSeconds, Evaluate(ml, lightGbm, trainFeatures),
        Evaluate(ml, lightGbm, validFeatures)));

    Console.WriteLine();
    Console.WriteLine($"Training vs validation ({nTrain:N0} / {nValid:N0} rows; threshold 0.5):");
    Row.PrintTable(rows);

    int bestIndex = Enumerable.Range(0, networks.Count).MaxBy(i => rows[i].Validation.AreaUnderRocCurve);
    var (bestName, best) = networks[bestIndex];
    var bestValid = rows[bestIndex].Validation;
    Console.WriteLine();
    Console.WriteLine($"Business reading on the validation customers (every network, best validation AUC: {bestName}; and LightGBM):");
    var business = new[] { Business.Everyone(bestValid) }
        .Concat(networks.Select((n, i) => Business.Model($"network {n.Name}: call predicted '{table.PositiveValue}'", rows[i].Validation)))
        .Append(Business.Model($"LightGBM: call predicted '{table.PositiveValue}'", rows[^1].Validation))
        .ToArray();
    Business.PrintTable(business);

    string rocPath = Path.Combine(outDir, "roc-curves.png");
    TrainingPlots.SaveRocCurves(
    [
        Roc(ml, $"network {bestName}, training", best, trainFeatures),
        Roc(ml, $"network {bestName}, validation", best, validFeatures),
        Roc(ml, "LightGBM, validation", lightGbm, validFeatures),
    ], rocPath, $"ROC curves, {Path.GetFileName(csv)}");

    // The saved model takes the raw columns (the loader is saved with it); the label mapping stays outside, so a
    // customer without a known outcome can be scored.
    var model = prep.Append(best);
    string zip = Path.Combine(outDir, "bank-network.zip");
    ml.Model.Save(model, loader, zip);
    var scores = model.Transform(data).GetColumn<float>("Score").ToArray();
    File.WriteAllLines(Path.Combine(outDir, "predictions.txt"), scores.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
    PredictOneCustomer(ml, model, split.TestSet, table);

    Console.WriteLine();
    Console.WriteLine($"Saved {zip}; checking it in a fresh process:");
    bool reproduced = FreshProcess.Verify(zip, csv);

    string metricsPath = Path.Combine(outDir, "metrics.json");
    File.WriteAllText(metricsPath, JsonSerializer.Serialize(new
    {
        csv, target = table.Target, positive = table.PositiveValue, seed = o.Seed, epochs = o.Epochs,
        trainRows = nTrain, validationRows = nValid, features = width,
        settings = rows.Select(r => r.ToJson()), business, bestNetwork = bestName, reproducedInFreshProcess = reproduced,
    }, new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine();
    Console.WriteLine("Wrote:");
    foreach (string path in settings.Select(s => Path.Combine(outDir, $"loss-{s.File}.png")).Append(rocPath).Append(zip).Append(metricsPath))
        Console.WriteLine($"  {path}");
    return reproduced ? 0 : 1;
}

static CalibratedBinaryClassificationMetrics Evaluate(MLContext ml, ITransformer model, IDataView data) =>
    ml.BinaryClassification.Evaluate(model.Transform(data));

static RocCurve Roc(MLContext ml, string name, ITransformer model, IDataView data)
{
    var scored = model.Transform(data);
    return RocCurve.FromScores(name, scored.GetColumn<bool>("Label").ToArray(), scored.GetColumn<float>("Score").ToArray());
}

static void PredictOneCustomer(MLContext ml, ITransformer model, IDataView validation, BankTable table)
{
    if (!BankCustomer.Fits(table))
    {
        Console.WriteLine("(PredictionEngine demo skipped: the CSV's columns are not the bank-marketing ones.)");
        return;
    }
    var customer = ml.Data.CreateEnumerable<BankCustomer>(validation, reuseRowObject: false).First();
    // Not disposed while the model is in use: ML.NET's PredictionEngine.Dispose disposes the model it wraps.
    var engine = ml.Model.CreatePredictionEngine<BankCustomer, CustomerPrediction>(model);
    var p = engine.Predict(customer);
    Console.WriteLine();
    Console.WriteLine($"PredictionEngine, one validation customer: {customer.Age:F0}-year-old {customer.Job}, {customer.Marital}, " +
        $"balance {customer.Balance:N0}, last call {customer.Duration:F0} s in {customer.Month}, previous outcome {customer.Poutcome}:");
    Console.WriteLine($"  probability of '{table.PositiveValue}' {p.Probability:P1} (score {p.Score:F3}) -> " +
        (p.PredictedLabel ? "call" : "do not call"));
}

static int Verify(string csv, string zipPath)
{
    string zip = Path.GetFullPath(zipPath);
    var ml = new MLContext();
    var model = ml.Model.LoadWithDataLoader(zip, out IDataLoader<IMultiStreamSource> loader);
    var scores = model.Transform(loader.Load(new MultiFileSource(csv))).GetColumn<float>("Score").ToArray();
    string recordedPath = Path.Combine(Path.GetDirectoryName(zip)!, "predictions.txt");
    var recorded = File.ReadAllLines(recordedPath).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
    bool same = recorded.AsSpan().SequenceEqual(scores);
    Console.WriteLine($"Process {Environment.ProcessId} loaded {zip} with its loader and scored {scores.Length:N0} rows of {csv}: " +
        (same ? $"identical to the {recorded.Length:N0} scores recorded before saving." : $"DIFFERENT from {recordedPath}!"));
    return same ? 0 : 1;
}
