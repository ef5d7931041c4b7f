using System.Globalization;

namespace MlNetTriplet.Bench;

/// <summary>The <c>transfer</c> command: the ImageNet ResNet-18 exported once as a torchvision state_dict, then for each
/// mode rounds of package / PyTorch peer (bench/transfer_peer.py) on the same photos and weights, the order alternated
/// every round, each run in a process of its own (<see cref="PhotoBenchmark"/>).</summary>
internal static class TransferBenchmark
{
    public static int Run(TransferOptions o)
    {
        using var bench = new PhotoBenchmark(o, "transfer");
        string dataDir = o.NTrain > 0 || o.NVal > 0
            ? PhotoSubset.Create(bench.Photos, o.NTrain, o.NVal, bench.WorkPath("photos"))
            : bench.Photos;
        bench.PrintStart($"Transfer benchmark: modes {string.Join(", ", o.Modes)}, {o.Pairs} rounds x (package, PyTorch peer), {o.Epochs} epochs, {o.Threads} threads, seeds {o.SeedList()}",
            dataDir);
        var runs = bench.Rounds(o, (seeded, mode, side, round) => side == "peer"
                ? RunPeer(bench, seeded, mode, dataDir, round)
                : bench.RunPackage<TransferRunResult>("transfer-one", seeded.ChildArgs(mode, dataDir)),
            RunLine, "validation");
        var report = new TransferReport(o, bench.Machine, bench.Started, bench.LoadAtStart, Child.OmpEnv(), runs);
        bench.Finish(o.Name, report.Write, report.Markdown);
        return 0;
    }

    private static TransferRunResult RunPeer(PhotoBenchmark bench, TransferOptions o, string mode, string dataDir, int round)
    {
        var (json, seconds) = bench.RunPeer("transfer_peer.py", o, mode, dataDir, round, []);
        double D(string name) => json.GetProperty(name).GetDouble();
        return PhotoBenchmark.PeerFigures(new TransferRunResult
        {
            Side = "peer", Mode = mode, Runtime = PhotoBenchmark.PeerRuntime(json),
            NTest = json.GetProperty("n_val").GetInt32(), LoadSeconds = D("load_seconds"),
            FeatureImages = json.TryGetProperty("feature_images", out var f) ? f.GetInt64() : null,
            FeatureSeconds = PhotoBenchmark.OptionalDouble(json, "feature_seconds"),
            FeatureImagesPerSecond = PhotoBenchmark.OptionalDouble(json, "feature_images_per_second"),
            ValidationAccuracy = D("inference_accuracy"), LastEpochValidationAccuracy = D("validation_accuracy"),
            ValidationAccuracyPerEpoch = json.GetProperty("epochs_detail").EnumerateArray()
                .Select(e => (double?)e.GetProperty("validation_accuracy").GetDouble()).ToList(),
            InferenceImagesPerSecond = D("inference_images_per_second"),
        }, json, seconds);
    }

    private static string RunLine(TransferRunResult r)
    {
        string features = r.FeatureImagesPerSecond is double f
            ? string.Create(CultureInfo.InvariantCulture, $"features {f:N1} img/s ({r.FeatureSeconds:F1} s), ") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"  {r.Side,-7} {r.Mode} round {r.Round}: {features}training {r.TrainImagesPerSecond:N1} img/s ({r.TrainSeconds:F1} s), inference {r.InferenceImagesPerSecond:N1} img/s, val accuracy {r.ValidationAccuracy:F4}, peak RSS {r.PeakRssMb:N0} MB, process {r.ProcessSeconds:F0} s");
    }
}
