using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BankMarketing;
using Microsoft.ML;
using Microsoft.ML.Trainers.LightGbm;
using TorchSharp;

namespace MlNetTriplet.Bench;

/// <summary>Settings of the bank benchmark, shared by the parent (<c>bank</c>) and its package runs (<c>bank-one</c>).</summary>
internal sealed record BankOptions
{
    public int Pairs { get; init; } = 3;
    public int Epochs { get; init; } = 10;
    public int Threads { get; init; } = 2;
    public int Seed { get; init; }
    public string Csv { get; init; } = "";
    public char Separator { get; init; } = ',';
    public string Target { get; init; } = "deposit";
    public string? OutDir { get; init; }

    public const string Usage = """
        usage: MlNetTriplet.Bench bank [--pairs 3] [--epochs 10] [--threads 2] [--seed 0] [--csv FILE --sep C --target NAME]
                                       [--out-dir bench/results]
        Alternates the package (mlContext.BinaryClassification.Trainers.NeuralNetwork, the bank example's pipeline) and
        the PyTorch peer bench/peers/bank_mlp.py (MLP + scikit-learn HistGradientBoosting), each run in its own
        process, and writes bench/results/bank.{json,md}. Default CSV: data/bank-marketing/kaggle-bank-balanced.csv.
        """;

    public static BankOptions Parse(IReadOnlyList<string> args)
    {
        var o = new BankOptions();
        var a = new BenchArgs(args);
        while (a.Next(out string flag))
        {
            o = flag switch
            {
                "--pairs" => o with { Pairs = a.Int() },
                "--epochs" => o with { Epochs = a.Int() },
                "--threads" => o with { Threads = a.Int() },
                "--seed" => o with { Seed = a.Int() },
                "--csv" => o with { Csv = a.Value() },
                "--sep" => o with { Separator = a.Value().Single() },
                "--target" => o with { Target = a.Value() },
                "--out-dir" => o with { OutDir = a.Value() },
                _ => throw new ArgumentException($"Unknown option '{flag}'."),
            };
        }
        return o;
    }

    public string[] ChildArgs() =>
    [
        "--epochs", Str(Epochs), "--threads", Str(Threads), "--seed", Str(Seed), "--csv", Csv,
        "--sep", Separator.ToString(), "--target", Target,
    ];

    public static string Str(int n) => n.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The <c>bank</c> command: rounds of (package, peer), the order swapped every round, each run in its own
/// process; medians and ranges of validation AUC and training seconds.</summary>
internal static class BankBenchmark
{
    public static int Run(BankOptions o)
    {
        string repoRoot = RepoRoot.Find();
        string outDir = Path.GetFullPath(o.OutDir ?? Path.Combine(repoRoot, "bench", "results"));
        string tmpDir = Path.Combine(outDir, "tmp");
        Directory.CreateDirectory(tmpDir);
        string peer = Path.Combine(repoRoot, "bench", "peers", "bank_mlp.py");
        // Relative to the working directory (the children inherit it), so that the committed results name no machine path.
        if (o.Csv.Length == 0)
            o = o with { Csv = Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(repoRoot, "data", "bank-marketing", "kaggle-bank-balanced.csv")) };
        var omp = Child.OmpEnv();
        var started = DateTimeOffset.Now;
        Console.WriteLine($"Bank benchmark: {o.Pairs} rounds x (package, PyTorch peer), {o.Epochs} epochs, batch 64, {o.Threads} threads, seed {o.Seed}; {o.Csv}");
        Console.WriteLine("OpenMP env: " + string.Join(", ", omp.Select(p => $"{p.Key}={p.Value ?? "(unset)"}")));

        var (self, prefix) = ChildProcess.Self();
        var runs = new List<JsonObject>();
        for (int round = 1; round <= o.Pairs; round++)
        {
            string[] order = round % 2 == 1 ? ["package", "peer"] : ["peer", "package"];
            foreach (string side in order)
            {
                string? load = MachineInfo.LoadAverageNow();
                JsonElement json;
                double seconds;
                if (side == "peer")
                {
                    string outFile = Path.Combine(tmpDir, $"bank-peer-round{round}.json");
                    (json, seconds) = ChildProcess.Run(ChildProcess.Python,
                    [
                        peer, "--csv", o.Csv, "--sep", o.Separator.ToString(), "--target", o.Target, "--threads", BankOptions.Str(o.Threads),
                        "--seed", BankOptions.Str(o.Seed), "--epochs", BankOptions.Str(o.Epochs), "--out", outFile,
                    ]);
                }
                else
                {
                    (json, seconds) = ChildProcess.Run(self, [.. prefix, "bank-one", .. o.ChildArgs()]);
                }
                var run = JsonNode.Parse(json.GetRawText())!.AsObject();
                run["side"] = side;
                run["round"] = round;
                run["process_seconds"] = seconds;
                run["load_average_before"] = load;
                runs.Add(run);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  round {round} {side,-7}: validation AUC {ValidationAuc(run):F4}, training {TrainSeconds(run):F2} s"));
            }
        }

        var summary = Summarise(runs);
        var report = new JsonObject
        {
            ["benchmark"] = "bank-marketing MLP 64-128-64 (plain, book recipe) vs PyTorch peer bank_mlp.py",
            ["started"] = started.ToString("o"), ["finished"] = DateTimeOffset.Now.ToString("o"),
            ["machine"] = JsonSerializer.SerializeToNode(MachineInfo.Read(), Json.Line),
            ["omp_env"] = JsonSerializer.SerializeToNode(omp, Json.Line),
            ["options"] = JsonSerializer.SerializeToNode(o, Json.Line),
            ["summary"] = summary,
            ["runs"] = new JsonArray([.. runs]),
        };
        File.WriteAllText(Path.Combine(outDir, "bank.json"), report.ToJsonString(Json.Indented));
        string md = Markdown(o, omp, summary, runs);
        File.WriteAllText(Path.Combine(outDir, "bank.md"), md);
        Console.WriteLine(md);
        Console.WriteLine($"wrote {Path.Combine(outDir, "bank.json")} and {Path.Combine(outDir, "bank.md")}");
        return 0;
    }

    private static double ValidationAuc(JsonObject run) => run["validation"]!["roc_auc"]!.GetValue<double>();
    private static double TrainSeconds(JsonObject run) => run["train_seconds"]!.GetValue<double>();

    /// <summary>Figure name -> (side -> median, min, max).</summary>
    private static JsonObject Summarise(List<JsonObject> runs)
    {
        var figures = new (string Name, string Side, Func<JsonObject, double?> Value)[]
        {
            ("validation_auc", "package", r => ValidationAuc(r)),
            ("validation_auc", "peer", r => ValidationAuc(r)),
            ("train_auc", "package", r => r["train"]!["roc_auc"]!.GetValue<double>()),
            ("train_auc", "peer", r => r["train"]!["roc_auc"]!.GetValue<double>()),
            ("train_seconds", "package", r => TrainSeconds(r)),
            ("train_seconds", "peer", r => TrainSeconds(r)),
            ("fit_seconds", "package", r => r["fit_seconds"]!.GetValue<double>()),
            ("gbm_validation_auc", "package", r => r["gbm"]!["validation"]!["roc_auc"]!.GetValue<double>()),
            ("gbm_validation_auc", "peer", r => r["gbm"]?["validation"]?["roc_auc"]?.GetValue<double>()),
            ("gbm_fit_seconds", "package", r => r["gbm"]!["fit_seconds"]!.GetValue<double>()),
            ("gbm_fit_seconds", "peer", r => r["gbm"]?["fit_seconds"]?.GetValue<double>()),
        };
        var summary = new JsonObject();
        foreach (var (name, side, value) in figures)
        {
            var stats = Stats.Of(runs.Where(r => (string)r["side"]! == side).Select(value));
            if (stats is null)
                continue;
            var node = summary[name] as JsonObject ?? new JsonObject();
            node[side] = JsonSerializer.SerializeToNode(stats, Json.Line);
            summary[name] = node;
        }
        // Peer seconds / package seconds of the same round: above 1 means the package trains faster.
        var ratios = runs.GroupBy(r => (int)r["round"]!)
            .Select(g => TrainSeconds(g.Single(r => (string)r["side"]! == "peer")) / TrainSeconds(g.Single(r => (string)r["side"]! == "package")));
        summary["train_speed_ratio_peer_over_package"] = JsonSerializer.SerializeToNode(Stats.Of(ratios), Json.Line);
        return summary;
    }

    private static string Markdown(BankOptions o, IReadOnlyDictionary<string, string?> omp, JsonObject s, List<JsonObject> runs)
    {
        string F(string figure, string side, string format)
        {
            if (s[figure]?[side] is not JsonObject stats)
                return "n/a";
            string V(string key) => stats[key]!.GetValue<double>().ToString(format, CultureInfo.InvariantCulture);
            return $"{V("median")} ({V("min")}-{V("max")})";
        }
        var md = new StringBuilder();
        md.AppendLine("# Bank marketing: package vs PyTorch peer");
        md.AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileName(o.Csv)}, 80/20 stratified split, seed {o.Seed}; MLP 64-128-64 ReLU, BCE, Adam 1e-3, batch 64, {o.Epochs} epochs, {o.Threads} threads; {o.Pairs} alternating rounds, each run in its own process."));
        md.AppendLine($"OpenMP env (both sides): {string.Join(", ", omp.Select(p => $"{p.Key}={p.Value ?? "(unset)"}"))}. Medians (min-max).");
        md.AppendLine();
        md.AppendLine("| | validation AUC | training AUC | training seconds | gradient boosting validation AUC | gradient boosting fit seconds |");
        md.AppendLine("|---|---|---|---|---|---|");
        md.AppendLine($"| MlNetTriplet NeuralNetwork (ML.NET pipeline) | {F("validation_auc", "package", "F4")} | {F("train_auc", "package", "F4")} | {F("train_seconds", "package", "F2")} | ML.NET LightGBM {F("gbm_validation_auc", "package", "F4")} | {F("gbm_fit_seconds", "package", "F2")} |");
        md.AppendLine($"| PyTorch peer (bank_mlp.py) | {F("validation_auc", "peer", "F4")} | {F("train_auc", "peer", "F4")} | {F("train_seconds", "peer", "F2")} | sklearn HistGradientBoosting {F("gbm_validation_auc", "peer", "F4")} | {F("gbm_fit_seconds", "peer", "F2")} |");
        md.AppendLine();
        md.AppendLine($"Training speed, peer seconds / package seconds per round: {Ratio(s)} (above 1: the package trains faster).");
        md.AppendLine();
        md.AppendLine("Training seconds = the training steps only on both sides (the peer's per-epoch validation pass and the package's");
        md.AppendLine($"reading of the IDataView into a tensor excluded); the package's whole `Fit` took {F("fit_seconds", "package", "F2")} s.");
        md.AppendLine("AUC: ML.NET's `BinaryClassification.Evaluate` on the package side, scikit-learn's `roc_auc_score` on the peer's.");
        md.AppendLine();
        md.AppendLine("| round | side | validation AUC | accuracy | precision | recall | training seconds | load before |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in runs)
        {
            var v = r["validation"]!;
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r["round"]} | {r["side"]} | {v["roc_auc"]!.GetValue<double>():F4} | {v["accuracy"]!.GetValue<double>():F4} | {v["precision"]!.GetValue<double>():F4} | {v["recall"]!.GetValue<double>():F4} | {TrainSeconds(r):F2} | {r["load_average_before"]} |"));
        }
        return md.ToString();
    }

    private static string Ratio(JsonObject s) => s["train_speed_ratio_peer_over_package"] is JsonObject r
        ? string.Create(CultureInfo.InvariantCulture, $"{r["median"]!.GetValue<double>():F2}x ({r["min"]!.GetValue<double>():F2}-{r["max"]!.GetValue<double>():F2})")
        : "n/a";

    /// <summary>The <c>bank-one</c> command: one package run in this process, the result as one JSON line on stdout.</summary>
    public static int RunPackage(BankOptions o)
    {
        torch.set_num_threads(o.Threads);
        var ml = new MLContext(seed: o.Seed);
        var clock = Stopwatch.StartNew();
        var table = BankTable.Infer(ml, o.Csv, o.Separator, o.Target, null);
        var data = table.Loader(ml).Load(o.Csv);
        var split = ml.Data.StratifiedTrainTestSplit(data, 0.2, table.Target, o.Seed);
        var labels = table.LabelMapping(ml).Fit(split.TrainSet);
        var prep = table.Preprocessing(ml).Fit(labels.Transform(split.TrainSet));
        var train = ml.Data.Cache(prep.Transform(labels.Transform(split.TrainSet)));
        var valid = ml.Data.Cache(prep.Transform(labels.Transform(split.TestSet)));
        double loadSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var network = ml.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options
        {
            NumberOfEpochs = o.Epochs, Seed = o.Seed,
            MetricsCallback = m => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  [package] epoch {m.Epoch}: loss {m.TrainLoss:F4} {m.ExamplesPerSecond:F0} rows/s")),
        }).Fit(train);
        double fitSeconds = clock.Elapsed.TotalSeconds;
        var epochs = network.History!.Epochs;
        double trainSeconds = epochs.Sum(e => e.Seconds);

        clock.Restart();
        var gbm = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options { Seed = o.Seed, NumberOfThreads = o.Threads })
            .Fit(train);
        double gbmSeconds = clock.Elapsed.TotalSeconds;

        object Scores(ITransformer model, IDataView view)
        {
            var m = ml.BinaryClassification.Evaluate(model.Transform(view));
            return new { accuracy = m.Accuracy, precision = m.PositivePrecision, recall = m.PositiveRecall, roc_auc = m.AreaUnderRocCurve };
        }
        var result = new
        {
            runtime = Child.RuntimeDescription, threads = o.Threads, seed = o.Seed, epochs = o.Epochs, batch_size = 64,
            csv = o.Csv, n_train = train.GetRowCount(), n_validation = valid.GetRowCount(),
            load_seconds = loadSeconds, fit_seconds = fitSeconds, train_seconds = trainSeconds,
            train_rows_per_second = epochs.Sum(e => e.Examples) / trainSeconds,
            epoch_loss = epochs.Select(e => e.TrainLoss),
            train = Scores(network, train), validation = Scores(network, valid),
            gbm = new { model = "ML.NET LightGBM (defaults)", fit_seconds = gbmSeconds, train = Scores(gbm, train), validation = Scores(gbm, valid) },
            omp_env = Child.OmpEnv(),
        };
        Console.Out.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }
}
