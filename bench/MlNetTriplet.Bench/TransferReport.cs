using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MlNetTriplet.Bench;

/// <summary>Per mode: medians and ranges per side, ratios paired within each round, and issue 11's bars; written as
/// <c>transfer.json</c> (everything, every run) and <c>transfer.md</c> (the short tables).</summary>
internal sealed class TransferReport(TransferOptions options, MachineInfo machine, DateTimeOffset started,
    string? loadAtStart, IReadOnlyDictionary<string, string?> omp, IReadOnlyList<TransferRunResult> runs)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] Sides = ["package", "peer"];
    private readonly DateTimeOffset _finished = DateTimeOffset.Now;
    private readonly string? _loadAtEnd = MachineInfo.LoadAverageNow();

    /// <summary>The figures summarised per side and paired per round; null where a mode has none.</summary>
    private static readonly (string Name, Func<TransferRunResult, double?> Of)[] Figures =
    [
        ("feature_images_per_second", r => r.FeatureImagesPerSecond),
        ("train_images_per_second", r => r.TrainImagesPerSecond),
        ("inference_images_per_second", r => r.InferenceImagesPerSecond),
        ("validation_accuracy", r => r.ValidationAccuracy),
        ("peak_rss_mb", r => r.PeakRssMb),
        ("fit_seconds", r => r.FitSeconds),
    ];

    private IEnumerable<TransferRunResult> Of(string mode, string side) => runs.Where(r => r.Mode == mode && r.Side == side);

    private Stats? Side(string mode, string side, Func<TransferRunResult, double?> figure) =>
        Stats.Of(Of(mode, side).Select(figure));

    private Stats? Paired(string mode, Func<TransferRunResult, double?> figure, Func<double, double, double> combine) =>
        Stats.Paired(runs.Where(r => r.Mode == mode), figure, combine);

    private Stats? Ratio(string mode, Func<TransferRunResult, double?> figure) => Paired(mode, figure, (a, b) => a / b);

    private List<Bar> Bars()
    {
        var bars = new List<Bar>();
        foreach (string mode in options.Modes)
        {
            if (mode == "frozen")
                bars.Add(Bar.Ratio(mode, "Feature extraction images/s, package / peer", Ratio(mode, r => r.FeatureImagesPerSecond), 1.0, 1.5));
            else
                bars.Add(Bar.Ratio(mode, "Fine-tuning training images/s, package / peer", Ratio(mode, r => r.TrainImagesPerSecond), 1.0, 1.5));
            bars.Add(Bar.Ratio(mode, "Inference images/s, package / peer (BENCHMARKS.md)", Ratio(mode, r => r.InferenceImagesPerSecond), 0.8, null));
            bars.Add(Bar.Within(mode, "Validation accuracy, package - peer (points)", Paired(mode, r => r.ValidationAccuracy, (a, b) => (a - b) * 100), 1.0));
            double floor = mode == "frozen" ? 0.92 : 0.93;
            var own = Side(mode, "package", r => r.ValidationAccuracy);
            bars.Add(new(mode, "Validation accuracy, package (every round)", ">= " + floor.ToString("F2", Inv), Stats.Range(own, "F4", ""),
                Bar.VerdictOf(own is null ? null : own.Min >= floor)));
            if (options.SeedList().Contains(',') && own is not null)
            {
                double spread = (own.Max - own.Min) * 100;
                bars.Add(new(mode, "Validation accuracy max - min over the seeds, package (points)", "<= 2",
                    spread.ToString("F2", Inv), Bar.VerdictOf(spread <= 2)));
            }
        }
        return bars;
    }

    public void Write(string outDir)
    {
        var summary = options.Modes.ToDictionary(mode => mode, mode => new
        {
            Sides = Sides.ToDictionary(side => side, side => new
            {
                Runs = Of(mode, side).Count(), Runtime = Of(mode, side).FirstOrDefault()?.Runtime,
                Figures = Figures.ToDictionary(f => f.Name, f => Side(mode, side, f.Of)),
            }),
            PackageOverPeer = Figures.Where(f => f.Name.EndsWith("per_second", StringComparison.Ordinal))
                .ToDictionary(f => f.Name, f => Ratio(mode, f.Of)),
            AccuracyPointsPackageMinusPeer = Paired(mode, r => r.ValidationAccuracy, (a, b) => (a - b) * 100),
        });
        var document = new
        {
            Benchmark = "transfer", Started = started, Finished = _finished, Machine = machine,
            LoadAverageAtStart = loadAtStart, LoadAverageAtEnd = _loadAtEnd, OmpEnv = omp,
            Settings = new
            {
                options.Modes, options.Pairs, options.Epochs, options.Threads,
                Seeds = Enumerable.Range(1, options.Pairs).Select(options.SeedOf).ToList(), DataDir = options.DataName(),
                NTrain = runs.FirstOrDefault()?.NTrain, NVal = runs.FirstOrDefault()?.NTest, options.PeerWorkers, options.DecoderThreads,
                Trainer = TrainerDefaults(),
            },
            Summary = summary, Bars = Bars(), Runs = runs,
        };
        File.WriteAllText(Path.Combine(outDir, options.Name + ".json"), JsonSerializer.Serialize(document, Json.Indented) + "\n");
        File.WriteAllText(Path.Combine(outDir, options.Name + ".md"), Markdown());
    }

    private static object TrainerDefaults()
    {
        var d = new TransferLearningTrainer.Options();
        return new
        {
            Optimizer = d.Optimizer.ToString(), d.LearningRate, d.BatchSize, d.InferenceBatchSize, d.HeadDropout,
            d.BackboneLearningRateFactor, Augmentation = "RandomResizedCrop(224, scale (0.08, 1), ratio (3/4, 4/3)) + RandomHorizontalFlip(0.5) when fine-tuning",
        };
    }

    public string Markdown()
    {
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');
        var first = runs.FirstOrDefault();
        var peer = runs.FirstOrDefault(r => r.Side == "peer");
        var package = runs.FirstOrDefault(r => r.Side == "package");
        Line("# Transfer learning benchmark: package vs PyTorch / torchvision peer");
        Line();
        md.Append(machine.ReportHeader(started, _finished, loadAtStart, _loadAtEnd, omp));
        Line($"- Data `{options.DataName()}`: {first?.NTrain.ToString("N0", Inv)} training / {first?.NTest.ToString("N0", Inv)} validation photos " +
             $"(the same files on both sides); {options.Epochs} epochs, {options.Threads} threads, seeds {options.SeedList()} (round by round), " +
             $"{options.Pairs} rounds per mode (order alternated), every run in its own process");
        Line("- Both sides: the CNTK ImageNet ResNet-18 of Microsoft.ML.DnnImageFeaturizer.ResNet18 (the peer loads the package's export, " +
             "torchvision `ResNet(BasicBlock, [2,2,2,3])`, strict), head = global average pool, dropout 0.2, Linear; Adam 0.001 with a per-epoch cosine decay, batch 32, " +
             "validation batch 64, backbone lr x 0.1 when fine-tuning; Resize(256) + CenterCrop(224), RandomResizedCrop(224) + flip when fine-tuning. " +
             "`frozen` = FrozenBackbone (features once, then the head), `finetune` = FineTuneAll.");
        Line($"- Photo decoding while training: package {package?.DecoderWorkers.ToString(Inv) ?? "?"} decoder thread(s) (its default); " +
             $"peer DataLoader num_workers {peer?.DecoderWorkers.ToString(Inv) ?? "?"} (processes, not persistent).");
        Line("- Sides: " + string.Join("; ", Sides.Select(s => $"{s} = {runs.FirstOrDefault(r => r.Side == s)?.Runtime ?? "n/a"}")));
        Line();
        Line("Median (min-max) over the rounds:");
        Line();
        Line("| mode | side | feature extraction images/s | training images/s | inference images/s | validation accuracy | peak RSS | whole Fit |");
        Line("|---|---|---|---|---|---|---|---|");
        foreach (string mode in options.Modes)
            foreach (string side in Sides)
                Line($"| {mode} | {side} | {Stats.Range(Side(mode, side, r => r.FeatureImagesPerSecond), "N1", "")} | " +
                     $"{Stats.Range(Side(mode, side, r => r.TrainImagesPerSecond), "N1", "")} | {Stats.Range(Side(mode, side, r => r.InferenceImagesPerSecond), "N1", "")} | " +
                     $"{Stats.Range(Side(mode, side, r => r.ValidationAccuracy), "F4", "")} | {Stats.Range(Side(mode, side, r => r.PeakRssMb), "N0", " MB")} | " +
                     $"{Stats.Range(Side(mode, side, r => r.FitSeconds), "F1", " s")} |");
        Line();
        Line("`frozen` training images/s are the head's steps on cached features (context only). The peer's peak RSS is its main " +
             "process; its largest DataLoader worker is in the JSON (`workers_peak_rss_mb`).");
        Line();
        Line("Bars (issue 11); ratios and differences are taken within each round, then the median (min-max):");
        Line();
        md.Append(Bar.Table(Bars(), "mode"));
        Line();
        Line("| mode | round | seed | side | features img/s | training img/s | inference img/s | val accuracy | peak RSS MB | 1-min load before / after |");
        Line("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in runs)
            Line($"| {r.Mode} | {r.Round}.{r.OrderInRound + 1} | {r.Seed} | {r.Side} | {r.FeatureImagesPerSecond?.ToString("N1", Inv) ?? "-"} | " +
                 $"{r.TrainImagesPerSecond.ToString("N1", Inv)} | {r.InferenceImagesPerSecond.ToString("N1", Inv)} | " +
                 $"{r.ValidationAccuracy.ToString("F4", Inv)} | {r.PeakRssMb.ToString("N0", Inv)} | " +
                 $"{r.LoadAverageBefore?.Split(' ')[0]} / {r.LoadAverageAfter?.Split(' ')[0]} |");
        Line();
        Line($"Every figure is defined in bench/README.md; all runs and per-epoch details are in {options.Name}.json.");
        return md.ToString();
    }
}
