using System.Globalization;
using System.Text.Json;

namespace MlNetTriplet.Bench;

/// <summary>The <c>triplet</c> command: for each recipe, rounds of package / PyTorch peer (order alternated every
/// round), each run in its own process; both sides' embeddings are scored by the peer's metric code.</summary>
internal static class TripletBenchmark
{
    public static int Run(TripletOptions o)
    {
        string repoRoot = RepoRoot.Find();
        string outDir = Path.GetFullPath(o.OutDir ?? Path.Combine(repoRoot, "bench", "results"));
        string tmpDir = Path.Combine(outDir, "tmp");
        Directory.CreateDirectory(tmpDir);
        string peersDir = Path.Combine(repoRoot, "bench", "peers");
        string metricsScript = Path.Combine(repoRoot, "bench", "triplet_metrics.py");
        var machine = MachineInfo.Read();
        var started = DateTimeOffset.Now;
        string? loadAtStart = MachineInfo.LoadAverageNow();
        Console.WriteLine($"Triplet benchmark: recipes {string.Join(", ", o.Recipes)}, {o.Pairs} rounds x (package, PyTorch peer), {o.Threads} threads, seeds {o.SeedList()}");
        Console.WriteLine($"data {o.DataDir}; {machine.Nproc} x {machine.CpuModel}; load {loadAtStart}");
        Console.WriteLine("OpenMP env: " + string.Join(", ", Child.OmpEnv().Select(p => $"{p.Key}={p.Value ?? "(unset)"}")));

        var (self, prefix) = ChildProcess.Self();
        var runs = new List<TripletRunResult>();
        foreach (string recipe in o.Recipes)
        {
            string peerScript = Path.Combine(peersDir, recipe == "semihard" ? "triplet_semihard.py" : "triplet_softmax_ratio.py");
            for (int round = 1; round <= o.Pairs; round++)
            {
                string[] order = round % 2 == 1 ? ["package", "peer"] : ["peer", "package"];
                var roundOptions = o with { Seed = o.SeedOf(round) };
                Console.WriteLine($"{recipe} round {round}/{o.Pairs}, seed {roundOptions.Seed}: {string.Join(", ", order)}");
                for (int k = 0; k < order.Length; k++)
                {
                    string before = MachineInfo.LoadAverageNow() ?? "";
                    var result = order[k] == "peer"
                        ? RunPeer(roundOptions, recipe, peerScript, tmpDir, round)
                        : RunPackage(roundOptions, recipe, self, prefix, peerScript, metricsScript, tmpDir, round);
                    result = result with
                    {
                        Round = round, OrderInRound = k, LoadAverageBefore = before, LoadAverageAfter = MachineInfo.LoadAverageNow(),
                    };
                    runs.Add(result);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {result.Side,-7} {recipe} round {round}: train {result.TrainImagesPerSecond:N0} img/s ({result.TrainSeconds:F1} s), P@1 {result.PrecisionAt1:F4}, R-precision {result.RPrecision:F4}, MAP@R {result.MeanAveragePrecisionAtR:F4}, 10-NN {result.Knn10Accuracy:F4}, peak RSS {result.PeakRssMb:N0} MB"));
                }
            }
        }
        var report = new TripletReport(o, machine, started, loadAtStart, Child.OmpEnv(), runs);
        report.Write(outDir);
        Console.WriteLine(report.Markdown());
        Console.WriteLine($"wrote {Path.Combine(outDir, o.Name + ".json")} and {Path.Combine(outDir, o.Name + ".md")}");
        return 0;
    }

    private static TripletRunResult RunPackage(TripletOptions o, string recipe, string self, string[] prefix,
        string peerScript, string metricsScript, string tmpDir, int round)
    {
        string embeddings = Path.Combine(tmpDir, $"triplet-{recipe}-package-round{round}");
        var (json, seconds) = ChildProcess.Run(self, [.. prefix, "triplet-one", .. o.ChildArgs(recipe, embeddings)]);
        var result = json.Deserialize<TripletRunResult>(Json.Line)! with { ProcessSeconds = seconds };
        var (metrics, _) = ChildProcess.Run(ChildProcess.Python,
            [metricsScript, peerScript, embeddings, "--threads", CnnOptions.Str(o.Threads)]);
        Directory.Delete(embeddings, recursive: true);
        return result with
        {
            PrecisionAt1 = metrics.GetProperty("precision_at_1").GetDouble(),
            RPrecision = metrics.GetProperty("r_precision").GetDouble(),
            MeanAveragePrecisionAtR = metrics.GetProperty("mean_average_precision_at_r").GetDouble(),
            Knn1Accuracy = metrics.GetProperty("knn1_accuracy").GetDouble(),
            Knn10Accuracy = metrics.GetProperty("knn10_accuracy").GetDouble(),
        };
    }

    private static TripletRunResult RunPeer(TripletOptions o, string recipe, string script, string tmpDir, int round)
    {
        if (!File.Exists(script))
            throw new FileNotFoundException($"The PyTorch peer is not at {script}.", script);
        List<string> args =
        [
            script, "--threads", CnnOptions.Str(o.Threads), "--seed", CnnOptions.Str(o.Seed),
            "--epochs", CnnOptions.Str(o.EpochsFor(recipe)), "--data-dir", o.DataDir,
            "--out", Path.Combine(tmpDir, $"triplet-{recipe}-peer-round{round}.json"),
        ];
        if (o.NTrain > 0)
            args.AddRange(["--n-train", CnnOptions.Str(o.NTrain)]);
        if (o.NTest > 0)
            args.AddRange(["--n-test", CnnOptions.Str(o.NTest)]);
        var (json, seconds) = ChildProcess.Run(ChildProcess.Python, args);
        double D(string name) => json.GetProperty(name).GetDouble();
        int nTest = json.GetProperty("n_test").GetInt32(), nTrain = json.GetProperty("n_train").GetInt32();
        return new TripletRunResult
        {
            Side = "peer", Recipe = recipe,
            Runtime = $"PyTorch {json.GetProperty("torch_version").GetString()} on Python {json.GetProperty("python_version").GetString()}",
            Epochs = json.GetProperty("epochs_run").GetInt32(), Threads = json.GetProperty("threads").GetInt32(),
            Seed = json.GetProperty("seed").GetInt32(), NTrain = nTrain, NTest = nTest, LoadSeconds = D("load_seconds"),
            TrainSeconds = D("train_seconds"), TrainImages = json.GetProperty("images").GetInt64(),
            TrainImagesPerSecond = D("train_images_per_second"),
            // The peer's eval_seconds covers embedding test and train plus the metrics.
            EvalImagesPerSecond = null,
            PrecisionAt1 = D("precision_at_1"), RPrecision = D("r_precision"),
            MeanAveragePrecisionAtR = D("mean_average_precision_at_r"), Knn1Accuracy = D("knn1_accuracy"),
            Knn10Accuracy = D("knn10_accuracy"), PeakRssMb = D("peak_rss_mb"), ProcessSeconds = seconds,
            EpochDetails = json.GetProperty("epochs_detail").EnumerateArray().Select(e => new EpochFigures(
                e.GetProperty("epoch").GetInt32(), e.GetProperty("seconds").GetDouble(), e.GetProperty("images").GetInt64(),
                e.GetProperty("images_per_second").GetDouble(), e.GetProperty("loss").GetDouble(), null, null)).ToList(),
            OmpEnv = json.GetProperty("omp_env").Deserialize<Dictionary<string, string?>>() ?? [],
        };
    }
}
