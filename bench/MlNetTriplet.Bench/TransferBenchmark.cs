using System.Globalization;
using System.Text.Json;

namespace MlNetTriplet.Bench;

/// <summary>The <c>transfer</c> command: the ImageNet ResNet-18 exported once as a torchvision state_dict, then for each
/// mode rounds of package / PyTorch peer (bench/transfer_peer.py) on the same photos and weights, the order alternated
/// every round, each run in a process of its own.</summary>
internal static class TransferBenchmark
{
    private const string Python = "/usr/bin/python3";

    public static int Run(TransferOptions o)
    {
        string repoRoot = RepoRoot.Find();
        string outDir = Path.GetFullPath(o.OutDir ?? Path.Combine(repoRoot, "bench", "results"));
        string tmpDir = Path.Combine(outDir, "tmp");
        Directory.CreateDirectory(tmpDir);
        string peerScript = Path.Combine(repoRoot, "bench", "transfer_peer.py");
        var machine = MachineInfo.Read();
        var started = DateTimeOffset.Now;
        string? loadAtStart = MachineInfo.LoadAverageNow();
        var work = Directory.CreateTempSubdirectory("mlnettriplet-transfer-");
        try
        {
            string photos = o.DataDir == TransferOptions.DefaultDataDir ? Path.Combine(repoRoot, o.DataDir) : Path.GetFullPath(o.DataDir);
            string dataDir = o.NTrain > 0 || o.NVal > 0
                ? PhotoSubset.Create(photos, o.NTrain, o.NVal, Path.Combine(work.FullName, "photos"))
                : photos;
            string weights = BackboneExport.ResNet18ImageNet(Path.Combine(work.FullName, "resnet18-cntk.pt"));
            Console.WriteLine($"Transfer benchmark: modes {string.Join(", ", o.Modes)}, {o.Pairs} rounds x (package, PyTorch peer), {o.Epochs} epochs, {o.Threads} threads, seeds {o.SeedList()}");
            Console.WriteLine($"data {dataDir}; weights exported to {weights}; {machine.Nproc} x {machine.CpuModel}; load {loadAtStart}");
            Console.WriteLine("OpenMP env: " + string.Join(", ", Child.OmpEnv().Select(p => $"{p.Key}={p.Value ?? "(unset)"}")));

            var (self, prefix) = ChildProcess.Self();
            var runs = new List<TransferRunResult>();
            foreach (string mode in o.Modes)
            {
                for (int round = 1; round <= o.Pairs; round++)
                {
                    string[] order = round % 2 == 1 ? ["package", "peer"] : ["peer", "package"];
                    var roundOptions = o with { Seed = o.SeedOf(round) };
                    Console.WriteLine($"{mode} round {round}/{o.Pairs}, seed {roundOptions.Seed}: {string.Join(", ", order)}");
                    for (int k = 0; k < order.Length; k++)
                    {
                        string? before = MachineInfo.LoadAverageNow();
                        var result = order[k] == "peer"
                            ? RunPeer(roundOptions, mode, peerScript, weights, dataDir, tmpDir, round)
                            : RunPackage(roundOptions, mode, self, prefix, dataDir);
                        result = result with
                        {
                            Round = round, OrderInRound = k, LoadAverageBefore = before, LoadAverageAfter = MachineInfo.LoadAverageNow(),
                        };
                        runs.Add(result);
                        Console.WriteLine(RunLine(result));
                    }
                    CheckSamePhotos(runs.Where(r => r.Mode == mode && r.Round == round).ToList());
                }
            }
            var report = new TransferReport(o, machine, started, loadAtStart, Child.OmpEnv(), runs);
            report.Write(outDir);
            Console.WriteLine(report.Markdown());
            Console.WriteLine($"wrote {Path.Combine(outDir, o.Name + ".json")} and {Path.Combine(outDir, o.Name + ".md")}");
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static TransferRunResult RunPackage(TransferOptions o, string mode, string self, string[] prefix, string dataDir)
    {
        var (json, seconds) = ChildProcess.Run(self, [.. prefix, "transfer-one", .. o.ChildArgs(mode, dataDir)]);
        return json.Deserialize<TransferRunResult>(Json.Line)! with { ProcessSeconds = seconds };
    }

    private static TransferRunResult RunPeer(TransferOptions o, string mode, string script, string weights, string dataDir,
        string tmpDir, int round)
    {
        var (json, seconds) = ChildProcess.Run(Python,
        [
            script, "--weights", weights, "--data-dir", dataDir, "--mode", mode, "--epochs", CnnOptions.Str(o.Epochs),
            "--threads", CnnOptions.Str(o.Threads), "--seed", CnnOptions.Str(o.Seed),
            "--workers", CnnOptions.Str(o.PeerWorkers), "--out", Path.Combine(tmpDir, $"transfer-{mode}-peer-round{round}.json"),
        ]);
        double D(string name) => json.GetProperty(name).GetDouble();
        double? Optional(string name) => json.TryGetProperty(name, out var v) ? v.GetDouble() : null;
        var epochs = json.GetProperty("epochs_detail").EnumerateArray().ToList();
        return new TransferRunResult
        {
            Side = "peer", Mode = mode,
            Runtime = $"PyTorch {json.GetProperty("torch_version").GetString()}, torchvision {json.GetProperty("torchvision_version").GetString()} on Python {json.GetProperty("python_version").GetString()}",
            Epochs = json.GetProperty("epochs_run").GetInt32(), Threads = json.GetProperty("threads").GetInt32(),
            Seed = json.GetProperty("seed").GetInt32(), NTrain = json.GetProperty("n_train").GetInt32(),
            NTest = json.GetProperty("n_val").GetInt32(), LoadSeconds = D("load_seconds"),
            FeatureImages = json.TryGetProperty("feature_images", out var f) ? f.GetInt64() : null,
            FeatureSeconds = Optional("feature_seconds"), FeatureImagesPerSecond = Optional("feature_images_per_second"),
            TrainSeconds = D("train_seconds"), TrainImages = json.GetProperty("images").GetInt64(),
            TrainImagesPerSecond = D("train_images_per_second"),
            ValidationAccuracy = D("inference_accuracy"), LastEpochValidationAccuracy = D("validation_accuracy"),
            ValidationAccuracyPerEpoch = epochs.Select(e => (double?)e.GetProperty("validation_accuracy").GetDouble()).ToList(),
            InferenceImagesPerSecond = D("inference_images_per_second"),
            DecoderWorkers = json.GetProperty("dataloader_workers").GetInt32(), WorkersPeakRssMb = D("workers_peak_rss_mb"),
            PeakRssMb = D("peak_rss_mb"), ProcessSeconds = seconds,
            EpochDetails = epochs.Select(e => new EpochFigures(
                e.GetProperty("epoch").GetInt32(), e.GetProperty("seconds").GetDouble(), e.GetProperty("images").GetInt64(),
                e.GetProperty("images_per_second").GetDouble(), e.GetProperty("loss").GetDouble(),
                e.GetProperty("train_accuracy").GetDouble(), null)).ToList(),
            OmpEnv = json.GetProperty("omp_env").Deserialize<Dictionary<string, string?>>() ?? [],
        };
    }

    /// <summary>Both sides list the folders by the same rule; different counts would make every ratio meaningless.</summary>
    private static void CheckSamePhotos(IReadOnlyList<TransferRunResult> round)
    {
        if (round.Select(r => (r.NTrain, r.NTest)).Distinct().Count() > 1)
            throw new InvalidOperationException("The sides read different photos: " +
                string.Join("; ", round.Select(r => $"{r.Side} {r.NTrain} train / {r.NTest} val")));
    }

    private static string RunLine(TransferRunResult r)
    {
        string features = r.FeatureImagesPerSecond is double f
            ? string.Create(CultureInfo.InvariantCulture, $"features {f:N1} img/s ({r.FeatureSeconds:F1} s), ") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"  {r.Side,-7} {r.Mode} round {r.Round}: {features}training {r.TrainImagesPerSecond:N1} img/s ({r.TrainSeconds:F1} s), inference {r.InferenceImagesPerSecond:N1} img/s, val accuracy {r.ValidationAccuracy:F4}, peak RSS {r.PeakRssMb:N0} MB, process {r.ProcessSeconds:F0} s");
    }
}
