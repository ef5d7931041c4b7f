using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Transforms;
using TorchSharp;

namespace MlNetTriplet.Bench;

/// <summary>The <c>transfer-memory</c> command (issue 11: peak memory does not grow with the dataset): generates
/// JPEG photos on disk, then for each photo count runs ONE fine-tuning epoch through the public API in a child process
/// of its own (<c>transfer-memory-one</c>) and compares the children's peak RSS (VmHWM). Bar: the largest count peaks
/// within 10% of the smallest, under 2.5 GB. Writes bench/results/transfer-memory.{json,md}.</summary>
internal static class TransferMemory
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private const double GrowthBar = 0.10, PeakBarMb = 2.5 * 1024;
    private const string CompleteMarker = ".complete";

    public static int Run(TransferMemoryOptions o)
    {
        string repoRoot = RepoRoot.Find();
        string outDir = Path.GetFullPath(o.OutDir ?? Path.Combine(repoRoot, "bench", "results"));
        Directory.CreateDirectory(outDir);
        var started = DateTimeOffset.Now;
        string? loadAtStart = MachineInfo.LoadAverageNow();
        string photosRoot = o.PhotosDir is null
            ? Directory.CreateTempSubdirectory("mlnettriplet-transfer-memory-").FullName
            : Directory.CreateDirectory(o.PhotosDir).FullName;
        try
        {
            var folders = PreparePhotos(o, photosRoot);
            Console.WriteLine($"Transfer memory test: one {o.TrainerMode} epoch per count ({string.Join(", ", o.Counts)}), {o.Threads} threads, seed {o.Seed}; load {loadAtStart}");
            Console.WriteLine("OpenMP env: " + string.Join(", ", Child.OmpEnv().Select(p => $"{p.Key}={p.Value ?? "(unset)"}")));
            var (self, prefix) = ChildProcess.Self();
            var runs = new List<MemoryRunResult>();
            foreach (int count in o.Counts)
            {
                string? before = MachineInfo.LoadAverageNow();
                var (json, seconds) = ChildProcess.Run(self, [.. prefix, "transfer-memory-one", .. o.ChildArgs(folders[count])]);
                var run = json.Deserialize<MemoryRunResult>(Json.Line)! with
                {
                    ProcessSeconds = seconds, LoadAverageBefore = before, LoadAverageAfter = MachineInfo.LoadAverageNow(),
                };
                runs.Add(run);
                Console.WriteLine(string.Create(Inv,
                    $"  {run.NTrain} photos: peak RSS {run.PeakRssMb:N0} MB (after the first step {run.PeakRssAfterFirstStepMb:N0} MB, before Fit {run.RssBeforeFitMb:N0} MB), epoch {run.TrainSeconds:F0} s, process {seconds:F0} s"));
            }
            string markdown = Markdown(o, started, loadAtStart, runs);
            File.WriteAllText(Path.Combine(outDir, "transfer-memory.json"), JsonSerializer.Serialize(new
            {
                Benchmark = "transfer-memory", Started = started, Finished = DateTimeOffset.Now, Machine = MachineInfo.Read(),
                LoadAverageAtStart = loadAtStart, LoadAverageAtEnd = MachineInfo.LoadAverageNow(), OmpEnv = Child.OmpEnv(),
                Settings = new { o.Counts, Mode = o.TrainerMode.ToString(), o.Threads, o.Seed, o.MinSide, o.MaxSide },
                Runs = runs,
            }, Json.Indented) + "\n");
            File.WriteAllText(Path.Combine(outDir, "transfer-memory.md"), markdown);
            Console.WriteLine(markdown);
            return 0;
        }
        finally
        {
            if (o.PhotosDir is null)
                Directory.Delete(photosRoot, recursive: true);
        }
    }

    /// <summary>The <c>transfer-memory-one</c> command: one epoch over <see cref="TransferMemoryOptions.DataDir"/>
    /// (LoadFromImageFolder -> MapValueToKey -> TransferLearning, no validation), RSS sampled at every progress report.</summary>
    public static int RunOne(TransferMemoryOptions o)
    {
        torch.set_num_threads(o.Threads);
        string dataDir = o.DataDir ?? throw new ArgumentException("--data-dir is required.");
        var ml = new MLContext(seed: o.Seed);
        var photos = ml.Data.LoadFromImageFolder(dataDir);
        var train = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Fit(photos).Transform(photos);
        var samples = new List<RssSample>();
        double? peakAfterFirstStep = null;
        EpochMetrics? epoch = null;
        var options = new TransferLearningTrainer.Options
        {
            Mode = o.TrainerMode, NumberOfEpochs = 1, Seed = o.Seed,
            ProgressCallback = p =>
            {
                if (p.Phase != TrainingPhase.Training)
                    return;
                // VmHWM at the first report (after the first step): reading the paths, checking every file, loading the
                // network and the first step's activations, gradients and Adam state.
                peakAfterFirstStep ??= ProcessMemory.PeakRssMb();
                samples.Add(new RssSample(p.Step, p.Examples, p.Seconds, ProcessMemory.CurrentRssMb() ?? double.NaN));
                if (samples.Count % 20 == 1 || p.Step == p.Steps)
                    Console.Error.WriteLine($"  [memory] {p}, RSS {samples[^1].RssMb.ToString("F0", Inv)} MB");
            },
            MetricsCallback = m => epoch = m,
        };
        double rssBeforeFit = ProcessMemory.CurrentRssMb() ?? double.NaN;
        var fit = Stopwatch.StartNew();
        using var model = ml.MulticlassClassification.Trainers.TransferLearning(options).Fit(train);
        fit.Stop();
        var result = new MemoryRunResult
        {
            Side = "package", Mode = o.TrainerMode.ToString(), Runtime = Child.RuntimeDescription, Epochs = 1,
            Threads = o.Threads, Seed = o.Seed, NTrain = checked((int)photos.GetRowCount()!.Value),
            PeakRssMb = ProcessMemory.PeakRssMb() ?? double.NaN, RssBeforeFitMb = rssBeforeFit,
            PeakRssAfterFirstStepMb = peakAfterFirstStep ?? double.NaN, FitSeconds = fit.Elapsed.TotalSeconds,
            TrainSeconds = epoch?.Seconds ?? double.NaN, TrainImages = epoch?.Examples ?? 0,
            TrainImagesPerSecond = epoch?.ExamplesPerSecond ?? double.NaN, RssSamples = samples, OmpEnv = Child.OmpEnv(),
        };
        Console.Out.WriteLine(JsonSerializer.Serialize(result, Json.Line));
        return 0;
    }

    /// <summary>The largest count's photos generated once (kept when complete, in <paramref name="root"/>/photos-N),
    /// the smaller counts as folders of links to its first photos: every set is a prefix of the largest.</summary>
    private static Dictionary<int, string> PreparePhotos(TransferMemoryOptions o, string root)
    {
        int largest = o.Counts.Max();
        string all = Path.Combine(root, $"photos-{largest}");
        string marker = Path.Combine(all, CompleteMarker);
        string settings = $"{largest} {o.MinSide} {o.MaxSide} {o.Seed}";
        if (!File.Exists(marker) || File.ReadAllText(marker) != settings)
        {
            if (Directory.Exists(all))
                Directory.Delete(all, recursive: true);
            var clock = Stopwatch.StartNew();
            Console.WriteLine($"generating {largest:N0} JPEG photos ({o.MinSide}-{o.MaxSide} px sides) in {all} ...");
            SyntheticPhotos.Write(all, largest, o.MinSide, o.MaxSide, o.Seed);
            File.WriteAllText(marker, settings);
            long bytes = Directory.EnumerateFiles(all, "*.jpg", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            Console.WriteLine(string.Create(Inv, $"  done in {clock.Elapsed.TotalSeconds:F0} s, {bytes / 1048576.0:N0} MB ({bytes / 1024.0 / largest:N0} KB a photo)"));
        }
        var folders = new Dictionary<int, string> { [largest] = all };
        foreach (int count in o.Counts.Where(c => c < largest).Distinct())
        {
            string subset = Path.Combine(root, $"first-{count}-of-{largest}");
            if (Directory.Exists(subset))
                Directory.Delete(subset, recursive: true);
            SyntheticPhotos.LinkSubset(all, subset, count);
            folders[count] = subset;
        }
        return folders;
    }

    private static string Markdown(TransferMemoryOptions o, DateTimeOffset started, string? loadAtStart,
        IReadOnlyList<MemoryRunResult> runs)
    {
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');
        var machine = MachineInfo.Read();
        Line("# Transfer learning: peak memory against dataset size");
        Line();
        md.Append(machine.ReportHeader(started, DateTimeOffset.Now, loadAtStart, MachineInfo.LoadAverageNow(), Child.OmpEnv()));
        Line($"- {runs.FirstOrDefault()?.Runtime}: one `{o.TrainerMode}` epoch (trainer defaults: batch 32, Adam, augmentation on, no validation), {o.Threads} threads, seed {o.Seed}, " +
             $"each count in a child process of its own; generated JPEG photos, two classes, sides {o.MinSide}-{o.MaxSide} px, " +
             "the smaller sets the first photos of the largest");
        Line();
        Line("| photos | peak RSS (VmHWM) | RSS before Fit | peak after the first step | RSS at 10% / 50% / end of the epoch | epoch | whole Fit | 1-min load before / after |");
        Line("|---|---|---|---|---|---|---|---|");
        foreach (var r in runs)
            Line(string.Create(Inv, $"| {r.NTrain:N0} | {r.PeakRssMb:N0} MB | {r.RssBeforeFitMb:N0} MB | {r.PeakRssAfterFirstStepMb:N0} MB | " +
                 $"{r.RssAt(0.1):N0} / {r.RssAt(0.5):N0} / {r.RssAt(1):N0} MB | {r.TrainSeconds:F0} s | {r.FitSeconds:F0} s | " +
                 $"{r.LoadAverageBefore?.Split(' ')[0]} / {r.LoadAverageAfter?.Split(' ')[0]} |"));
        Line();
        var smallest = runs.MinBy(r => r.NTrain);
        var largest = runs.MaxBy(r => r.NTrain);
        if (smallest is not null && largest is not null && smallest.NTrain < largest.NTrain)
        {
            double growth = largest.PeakRssMb / smallest.PeakRssMb - 1;
            Line("| bar (issue 11) | measured | verdict |");
            Line("|---|---|---|");
            Line(string.Create(Inv, $"| peak RSS at {largest.NTrain:N0} photos within 10% of {smallest.NTrain:N0} | {growth * 100:+0.0;-0.0}% | {(growth <= GrowthBar ? "pass" : "FAIL")} |"));
            Line(string.Create(Inv, $"| peak RSS under 2.5 GB (2,560 MiB), every count | {runs.Max(r => r.PeakRssMb):N0} MB | {(runs.All(r => r.PeakRssMb < PeakBarMb) ? "pass" : "FAIL")} |"));
            Line();
        }
        Line("Every RSS sample of the epoch is in transfer-memory.json (`rss_samples`: step, photos, seconds, MB).");
        return md.ToString();
    }
}

/// <summary>Resident memory at one progress report of the epoch.</summary>
internal sealed record RssSample(int Step, long Examples, double Seconds, double RssMb);

/// <summary>One child run of the memory test: <see cref="TrainingRunResult.NTrain"/> photos, one epoch.</summary>
internal sealed record MemoryRunResult : TrainingRunResult
{
    public required string Mode { get; init; }
    /// <summary>RSS just before <c>Fit</c>: the runtime, ML.NET and libtorch loaded, the photo paths listed.</summary>
    public double RssBeforeFitMb { get; init; }
    /// <summary>VmHWM at the first training progress report, i.e. after the first step.</summary>
    public double PeakRssAfterFirstStepMb { get; init; }
    public IReadOnlyList<RssSample> RssSamples { get; init; } = [];

    /// <summary>RSS at the first sample at or past <paramref name="fraction"/> of the epoch's photos.</summary>
    public double RssAt(double fraction)
    {
        if (RssSamples.Count == 0)
            return double.NaN;
        long target = (long)Math.Ceiling(fraction * RssSamples[^1].Examples);
        return RssSamples.First(s => s.Examples >= target).RssMb;
    }
}
