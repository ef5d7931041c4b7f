using System.Text.Json;

namespace MlNetTriplet.Bench;

/// <summary>Side C: the PyTorch peer (bench/peers/cnn_classifier.py) run as its users run it, with
/// Debian's interpreter, which has torch; its last stdout line is its result JSON.</summary>
internal static class PeerRun
{
    public static RunResult Run(CnnOptions o, string peersDir, string tmpDir, int round)
    {
        string script = Path.Combine(peersDir, "cnn_classifier.py");
        if (!File.Exists(script))
            throw new FileNotFoundException($"The PyTorch peer is not at {script}.", script);
        string outFile = Path.Combine(tmpDir, $"cnn-peer-round{round}.json");
        List<string> args =
        [
            script, "--threads", CnnOptions.Str(o.Threads), "--seed", CnnOptions.Str(o.Seed),
            "--epochs", CnnOptions.Str(o.Epochs), "--batch-size", CnnOptions.Str(o.BatchSize),
            "--data-dir", o.DataDir, "--out", outFile,
        ];
        if (o.NTrain > 0)
            args.AddRange(["--n-train", CnnOptions.Str(o.NTrain)]);
        if (o.NTest > 0)
            args.AddRange(["--n-test", CnnOptions.Str(o.NTest)]);
        var (json, seconds) = ChildProcess.Run(ChildProcess.Python, args);

        int nTest = json.GetProperty("n_test").GetInt32();
        double evalSeconds = json.GetProperty("eval_seconds").GetDouble();
        var epochs = json.GetProperty("epochs_detail").EnumerateArray().Select(e => new EpochFigures(
            e.GetProperty("epoch").GetInt32(), e.GetProperty("seconds").GetDouble(), e.GetProperty("images").GetInt64(),
            e.GetProperty("images_per_second").GetDouble(), e.GetProperty("loss").GetDouble(),
            e.GetProperty("train_accuracy").GetDouble(), null)).ToList();
        return new RunResult
        {
            Side = "peer", Round = round,
            Runtime = $"PyTorch {json.GetProperty("torch_version").GetString()} on Python {json.GetProperty("python_version").GetString()}",
            Epochs = json.GetProperty("epochs_run").GetInt32(), Threads = json.GetProperty("threads").GetInt32(),
            Seed = json.GetProperty("seed").GetInt32(), BatchSize = json.GetProperty("batch_size").GetInt32(),
            // The peer's accuracy() evaluates at its own default batch (64): it is measured as its users run it.
            EvalBatchSize = null, NTrain = json.GetProperty("n_train").GetInt32(), NTest = nTest, AllocatorTuned = false,
            LoadSeconds = json.GetProperty("load_seconds").GetDouble(),
            TrainSeconds = json.GetProperty("train_seconds").GetDouble(), TrainImages = json.GetProperty("images").GetInt64(),
            TrainImagesPerSecond = json.GetProperty("train_images_per_second").GetDouble(),
            EvalSeconds = evalSeconds, EvalImagesPerSecond = nTest / evalSeconds,
            TestAccuracy = json.GetProperty("test_accuracy").GetDouble(),
            PeakRssMb = json.GetProperty("peak_rss_mb").GetDouble(), ProcessSeconds = seconds,
            EpochDetails = epochs,
            OmpEnv = json.GetProperty("omp_env").Deserialize<Dictionary<string, string?>>() ?? [],
        };
    }
}
