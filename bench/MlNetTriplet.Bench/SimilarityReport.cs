using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MlNetTriplet.Bench;

/// <summary>Per mode: medians and ranges per side, speed ratios and accuracy differences paired within each round, and
/// issue 24's bars; written as <c>similarity.json</c> (everything, every run) and <c>similarity.md</c> (the short
/// tables).</summary>
internal sealed class SimilarityReport(SimilarityOptions options, MachineInfo machine, DateTimeOffset started,
    string? loadAtStart, IReadOnlyDictionary<string, string?> omp, IReadOnlyList<SimilarityRunResult> runs)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] Sides = ["package", "peer"];
    private readonly DateTimeOffset _finished = DateTimeOffset.Now;
    private readonly string? _loadAtEnd = MachineInfo.LoadAverageNow();

    /// <summary>The figures summarised per side; null where a side or mode has none.</summary>
    private static readonly (string Name, Func<SimilarityRunResult, double?> Of)[] Figures =
    [
        ("train_images_per_second", r => r.TrainImagesPerSecond),
        ("feature_images_per_second", r => r.FeatureImagesPerSecond),
        ("embed_images_per_second", r => r.EmbedImagesPerSecond),
        ("precision_at_1", r => r.Trained.PrecisionAt1),
        ("r_precision", r => r.Trained.RPrecision),
        ("map_at_r", r => r.Trained.MapAtR),
        ("baseline_precision_at_1", r => r.Baseline.PrecisionAt1),
        ("baseline_r_precision", r => r.Baseline.RPrecision),
        ("baseline_map_at_r", r => r.Baseline.MapAtR),
        ("peak_rss_mb", r => r.PeakRssMb),
        ("fit_seconds", r => r.FitSeconds),
    ];

    /// <summary>The retrieval figures the bars compare, in points of package - peer.</summary>
    private static readonly (string Name, Func<SimilarityRunResult, double?> Of)[] Accuracies =
    [
        ("P@1", r => r.Trained.PrecisionAt1),
        ("R-precision", r => r.Trained.RPrecision),
        ("MAP@R", r => r.Trained.MapAtR),
    ];

    private IEnumerable<SimilarityRunResult> Of(string mode, string side) => runs.Where(r => r.Mode == mode && r.Side == side);

    private Stats? Side(string mode, string side, Func<SimilarityRunResult, double?> figure) =>
        Stats.Of(Of(mode, side).Select(figure));

    private Stats? Ratio(string mode, Func<SimilarityRunResult, double?> figure) =>
        Stats.Paired(runs.Where(r => r.Mode == mode), figure, (a, b) => a / b);

    private Stats? Points(string mode, Func<SimilarityRunResult, double?> figure) =>
        Stats.Paired(runs.Where(r => r.Mode == mode), figure, (a, b) => (a - b) * 100);

    private List<Bar> Bars()
    {
        var bars = new List<Bar>();
        foreach (string mode in options.Modes)
        {
            string speed = mode == "frozen" ? "Training images/s (head on cached features), package / peer" : "Training images/s, package / peer";
            bars.Add(Bar.Ratio(mode, speed, Ratio(mode, r => r.TrainImagesPerSecond), 1.0, 1.5));
            foreach (var (name, figure) in Accuracies)
                bars.Add(Bar.Within(mode, $"{name} of held-out classes, package - peer (points)", Points(mode, figure), 1.0));
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
            PointsPackageMinusPeer = Figures.Where(f => !f.Name.EndsWith("per_second", StringComparison.Ordinal) && f.Name != "peak_rss_mb" && f.Name != "fit_seconds")
                .ToDictionary(f => f.Name, f => Points(mode, f.Of)),
        });
        var first = runs.FirstOrDefault();
        var document = new
        {
            Benchmark = "similarity", Started = started, Finished = _finished, Machine = machine,
            LoadAverageAtStart = loadAtStart, LoadAverageAtEnd = _loadAtEnd, OmpEnv = omp,
            Settings = new
            {
                options.Modes, options.Pairs, options.Epochs, options.Threads,
                Seeds = Enumerable.Range(1, options.Pairs).Select(options.SeedOf).ToList(), DataDir = options.DataName(),
                TrainClasses = first?.TrainClasses, HeldOutClasses = first?.HeldOutClasses, NTrain = first?.NTrain, NHeldOut = first?.NTest,
                options.Margin, options.LearningRate, options.BackboneLearningRateFactor, options.Schedule, options.EmbeddingSize, options.ClassesPerBatch,
                options.SamplesPerClass, options.Embed, options.PeerWorkers, options.DecoderThreads, Training = TrainingDefaults(),
            },
            Summary = summary, Bars = Bars(), Runs = runs,
        };
        File.WriteAllText(Path.Combine(outDir, options.Name + ".json"), JsonSerializer.Serialize(document, Json.Indented) + "\n");
        File.WriteAllText(Path.Combine(outDir, options.Name + ".md"), Markdown());
    }

    /// <summary>What neither side takes a flag for: the package's defaults, which the peer's match.</summary>
    private static object TrainingDefaults()
    {
        var d = new TripletEmbeddingOptions();
        return new
        {
            Loss = "margin (triplet), batch-hard mining, Euclidean, mean over the anchors with a positive and a negative",
            Optimizer = d.Optimizer.ToString(), d.EmbeddingBatchNorm, d.NormalizeEmbedding,
            StepsPerEpoch = "training photos / (P x K)",
            Augmentation = "RandomResizedCrop(224, scale (0.08, 1), ratio (3/4, 4/3)) + RandomHorizontalFlip(0.5) when the backbone trains",
        };
    }

    public string Markdown()
    {
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');
        var first = runs.FirstOrDefault();
        var peer = runs.FirstOrDefault(r => r.Side == "peer");
        var package = runs.FirstOrDefault(r => r.Side == "package");
        Line("# Image similarity benchmark: package vs PyTorch peer");
        Line();
        md.Append(machine.ReportHeader(started, _finished, loadAtStart, _loadAtEnd, omp));
        Line($"- Data `{options.DataName()}`: the first {first?.TrainClasses} classes by name train " +
             $"({first?.NTrain.ToString("N0", Inv)} photos), retrieval among the {first?.NTest.ToString("N0", Inv)} photos of the other " +
             $"{first?.HeldOutClasses} (every photo queries all the others; the same files on both sides); {options.Epochs} epochs, " +
             $"{options.Threads} threads, seeds {options.SeedList()} (round by round), {options.Pairs} rounds per mode (order alternated), " +
             "every run in its own process");
        Line(string.Create(Inv, $"- Both sides: the CNTK ImageNet ResNet-18 of Microsoft.ML.DnnImageFeaturizer.ResNet18 (the peer loads the package's export), ") +
             string.Create(Inv, $"pooled features -> Linear({options.EmbeddingSize}) -> L2 normalisation; retrieval with {EmbedsWith(options.Embed)}; triplet margin loss {options.Margin}, batch-hard, Euclidean; ") +
             string.Create(Inv, $"{options.ClassesPerBatch} x {options.SamplesPerClass} batches, training photos / {options.ClassesPerBatch * options.SamplesPerClass} steps an epoch; ") +
             string.Create(Inv, $"Adam {options.LearningRate}, {options.Schedule} per epoch, backbone x {options.BackboneLearningRateFactor}; Resize(256) + CenterCrop(224), RandomResizedCrop(224) + flip when the backbone trains. ") +
             "`frozen` = FrozenBackbone (features once, then the head), `last` = FineTuneLastBlocks with 1 block (layer4), `all` = FineTuneAll.");
        Line("- Retrieval: P@1, R-precision, MAP@R (pytorch-metric-learning's definitions): package `mlContext.Embeddings().Evaluate`, " +
             "peer its own `retrieval_metrics`; the untrained baseline is the backbone's pooled features of the same photos, Euclidean.");
        Line($"- Photo decoding while training: package {package?.DecoderWorkers.ToString(Inv) ?? "?"} decoder thread(s); " +
             $"peer DataLoader num_workers {peer?.DecoderWorkers.ToString(Inv) ?? "?"} (processes, started every epoch).");
        Line("- Sides: " + string.Join("; ", Sides.Select(s => $"{s} = {runs.FirstOrDefault(r => r.Side == s)?.Runtime ?? "n/a"}")));
        Line();
        Line("Median (min-max) over the rounds:");
        Line();
        Line("| mode | side | training images/s | P@1 | R-precision | MAP@R | untrained P@1 / R-precision / MAP@R | peak RSS | whole Fit |");
        Line("|---|---|---|---|---|---|---|---|---|");
        foreach (string mode in options.Modes)
            foreach (string side in Sides)
                Line($"| {mode} | {side} | {Stats.Range(Side(mode, side, r => r.TrainImagesPerSecond), "N1", "")} | " +
                     $"{Stats.Range(Side(mode, side, r => r.Trained.PrecisionAt1), "F4", "")} | {Stats.Range(Side(mode, side, r => r.Trained.RPrecision), "F4", "")} | " +
                     $"{Stats.Range(Side(mode, side, r => r.Trained.MapAtR), "F4", "")} | " +
                     $"{Stats.Range(Side(mode, side, r => r.Baseline.PrecisionAt1), "F4", "")} / {Stats.Range(Side(mode, side, r => r.Baseline.RPrecision), "F4", "")} / " +
                     $"{Stats.Range(Side(mode, side, r => r.Baseline.MapAtR), "F4", "")} | " +
                     $"{Stats.Range(Side(mode, side, r => r.PeakRssMb), "N0", " MB")} | {Stats.Range(Side(mode, side, r => r.FitSeconds), "F1", " s")} |");
        Line();
        Line("Training images/s: per epoch, from the start of iterating its batches to the end of its last step, summed " +
             "(`frozen`: the head's steps on cached features). The peer's peak RSS is its main process; its largest " +
             "DataLoader worker is in the JSON (`workers_peak_rss_mb`).");
        Line();
        Line("Bars (issue 24); ratios and differences are taken within each round, then the median (min-max):");
        Line();
        md.Append(Bar.Table(Bars(), "mode"));
        Line();
        Line("| mode | round | seed | side | training img/s | P@1 | R-precision | MAP@R | untrained MAP@R | peak RSS MB | 1-min load before / after |");
        Line("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in runs)
            Line($"| {r.Mode} | {r.Round}.{r.OrderInRound + 1} | {r.Seed} | {r.Side} | {r.TrainImagesPerSecond.ToString("N1", Inv)} | " +
                 $"{r.Trained.PrecisionAt1.ToString("F4", Inv)} | {r.Trained.RPrecision.ToString("F4", Inv)} | {r.Trained.MapAtR.ToString("F4", Inv)} | " +
                 $"{r.Baseline.MapAtR.ToString("F4", Inv)} | {r.PeakRssMb.ToString("N0", Inv)} | " +
                 $"{r.LoadAverageBefore?.Split(' ')[0]} / {r.LoadAverageAfter?.Split(' ')[0]} |");
        Line();
        Line($"Every figure is defined in bench/README.md; all runs and per-epoch details are in {options.Name}.json.");
        return md.ToString();
    }

    private static string EmbedsWith(string embed) => embed switch
    {
        "backbone" => "the trained backbone's L2-normalised pooled features (package PhotoEmbeddingSource.Backbone; the head trains, then is left out)",
        "backbone-and-pretrained" => "the trained backbone's L2-normalised pooled features beside the untrained ones, each scaled by 1/sqrt(2) " +
            "(package PhotoEmbeddingSource.BackboneAndPretrained; the head trains, then is left out)",
        _ => "the head's output",
    };
}
