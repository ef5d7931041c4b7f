using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MlNetTriplet.Bench;

/// <summary>Medians, ranges, paired ratios and the BENCHMARKS.md bars of a CNN benchmark, written as
/// <c>cnn.json</c> (everything) and <c>cnn.md</c> (the short table), and printed.</summary>
internal sealed class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private const double PeakMemoryBarMb = 1.5 * 1024;

    private readonly CnnOptions _options;
    private readonly MachineInfo _machine;
    private readonly DateTimeOffset _started, _finished;
    private readonly string? _loadAtStart, _loadAtEnd;
    private readonly IReadOnlyDictionary<string, string?> _omp;
    private readonly IReadOnlyList<RunResult> _runs;
    private readonly Dictionary<string, SideSummary> _sides;
    private readonly Dictionary<string, PairedRatio> _ratios;
    private readonly List<Bar> _bars;

    public Report(CnnOptions options, MachineInfo machine, DateTimeOffset started, string? loadAtStart,
        DateTimeOffset finished, IReadOnlyDictionary<string, string?> omp, IReadOnlyList<RunResult> runs)
    {
        (_options, _machine, _started, _loadAtStart, _finished, _omp, _runs) =
            (options, machine, started, loadAtStart, finished, omp, runs);
        _loadAtEnd = MachineInfo.LoadAverageNow();
        _sides = runs.GroupBy(r => r.Side).ToDictionary(g => g.Key, g => SideSummary.Of(g.ToList()));
        // Ratios are taken within a round (runs minutes apart), then summarised: drift between rounds cancels out.
        _ratios = new()
        {
            ["package_vs_peer_train"] = Paired(r => r.TrainImagesPerSecond, "package", "peer", (a, b) => a / b),
            ["package_vs_bare_train"] = Paired(r => r.TrainImagesPerSecond, "package", "bare", (a, b) => a / b),
            ["bare_vs_peer_train"] = Paired(r => r.TrainImagesPerSecond, "bare", "peer", (a, b) => a / b),
            ["package_vs_peer_inference"] = Paired(r => r.EvalImagesPerSecond, "package", "peer", (a, b) => a / b),
            ["package_vs_bare_inference"] = Paired(r => r.EvalImagesPerSecond, "package", "bare", (a, b) => a / b),
            ["accuracy_points_package_minus_peer"] = Paired(r => r.TestAccuracy, "package", "peer", (a, b) => (a - b) * 100),
        };
        _bars = Bars();
    }

    private sealed record SideSummary(int Runs, string Runtime, Stats? TrainImagesPerSecond, Stats? EvalImagesPerSecond,
        Stats? TestAccuracy, Stats? PeakRssMb, Stats? MemoryGrowthPercent, Stats? TrainSeconds, Stats? FitSeconds,
        Stats? LoadSeconds)
    {
        public static SideSummary Of(IReadOnlyList<RunResult> r) => new(r.Count, r[0].Runtime,
            Stats.Of(r.Select(x => x.TrainImagesPerSecond)), Stats.Of(r.Select(x => x.EvalImagesPerSecond)),
            Stats.Of(r.Select(x => x.TestAccuracy)), Stats.Of(r.Select(x => x.PeakRssMb)),
            Stats.Of(r.Select(x => x.MemoryGrowthPercent)), Stats.Of(r.Select(x => x.TrainSeconds)),
            Stats.Of(r.Select(x => x.FitSeconds)), Stats.Of(r.Select(x => x.LoadSeconds)));
    }

    private sealed record PairedRatio(Stats? Stats, IReadOnlyList<double> PerRound, double? RatioOfMedians);

    private sealed record Bar(string Name, string Required, string Measured, string Verdict);

    private PairedRatio Paired(Func<RunResult, double> figure, string a, string b, Func<double, double, double> combine)
    {
        var perRound = _runs.GroupBy(r => r.Round)
            .Select(g => (A: g.FirstOrDefault(r => r.Side == a), B: g.FirstOrDefault(r => r.Side == b)))
            .Where(p => p.A is not null && p.B is not null)
            .Select(p => combine(figure(p.A!), figure(p.B!))).ToList();
        var ma = Stats.Of(_runs.Where(r => r.Side == a).Select(figure));
        var mb = Stats.Of(_runs.Where(r => r.Side == b).Select(figure));
        double? ofMedians = ma is null || mb is null ? null : combine(ma.Median, mb.Median);
        return new PairedRatio(Stats.Of(perRound), perRound, ofMedians);
    }

    private List<Bar> Bars()
    {
        var package = _sides.GetValueOrDefault("package");
        string Verdict(bool? pass) => pass switch { true => "pass", false => "FAIL", null => "n/a" };
        Bar RatioBar(string name, string key, double bar, double? goal = null)
        {
            var s = _ratios[key].Stats;
            string verdict = Verdict(s is null ? null : s.Median >= bar);
            if (goal is double g && s is not null)
                verdict += s.Median >= g ? ", goal met" : ", goal not met";
            return new Bar(name, $">= {bar.ToString(Inv)}x" + (goal is double gg ? $" (goal {gg.ToString(Inv)}x)" : ""),
                Stats.Range(s, "F2", "x"), verdict);
        }

        var accuracy = _ratios["accuracy_points_package_minus_peer"].Stats;
        var memory = package?.PeakRssMb;
        var growth = package?.MemoryGrowthPercent;
        return
        [
            RatioBar("Training images/s, package / PyTorch peer", "package_vs_peer_train", 1.5, 2.5),
            RatioBar("Training images/s, package / bare TorchSharp", "package_vs_bare_train", 0.9),
            RatioBar("Inference images/s, package / PyTorch peer", "package_vs_peer_inference", 0.8),
            new("Test accuracy, package - peer (points)", "within 0.5", Stats.Range(accuracy, "F2", ""),
                Verdict(accuracy is null ? null : Math.Abs(accuracy.Median) <= 0.5)),
            new("Test accuracy, package", ">= 0.91", Stats.Range(package?.TestAccuracy, "F4", ""),
                Verdict(package?.TestAccuracy is null ? null : package.TestAccuracy.Median >= 0.91)),
            new("Peak RSS, package (worst run)", "<= 1.5 GB", Stats.Range(memory, "N0", " MB"),
                Verdict(memory is null ? null : memory.Max <= PeakMemoryBarMb)),
            new("RSS growth epoch 2 -> last, package (worst run)", "< 5%", Stats.Range(growth, "F1", "%"),
                Verdict(growth is null ? null : growth.Max < 5)),
        ];
    }

    public void Write(string outDir)
    {
        var document = new
        {
            Benchmark = "cnn",
            Started = _started, Finished = _finished,
            Machine = _machine, LoadAverageAtStart = _loadAtStart, LoadAverageAtEnd = _loadAtEnd,
            OmpEnv = _omp,
            Settings = new
            {
                _options.Epochs, _options.Pairs, _options.Threads, _options.Seed, _options.BatchSize, _options.LearningRate,
                _options.DataDir, NTrain = _runs.FirstOrDefault()?.NTrain, NTest = _runs.FirstOrDefault()?.NTest,
            },
            Summary = _sides, Ratios = _ratios, Bars = _bars, Runs = _runs,
        };
        File.WriteAllText(Path.Combine(outDir, "cnn.json"), JsonSerializer.Serialize(document, Json.Indented) + "\n");
        File.WriteAllText(Path.Combine(outDir, "cnn.md"), Markdown());
    }

    private string Markdown()
    {
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');
        var first = _runs.FirstOrDefault();
        Line("# CNN benchmark: package vs bare TorchSharp vs PyTorch peer");
        Line();
        Line($"- Date: {_started.ToString("yyyy-MM-dd HH:mm zzz", Inv)} ({(_finished - _started).TotalMinutes.ToString("F0", Inv)} min); " +
             $"load average (1/5/15 min) at start {_loadAtStart}, at end {_loadAtEnd}");
        Line($"- Machine: {_machine.Nproc} cores, {_machine.CpuModel}; {_machine.Os}; {_machine.Dotnet}");
        Line("- OpenMP env: " + string.Join(", ", _omp.Select(p => $"`{p.Key}={p.Value ?? "(unset)"}`")));
        Line($"- Settings: Fashion-MNIST-format data `{_options.DataDir}`, {first?.NTrain.ToString("N0", Inv)} train / " +
             $"{first?.NTest.ToString("N0", Inv)} test images, {_options.Epochs} epochs, batch {_options.BatchSize}, Adam " +
             $"{_options.LearningRate.ToString(Inv)}, {_options.Threads} threads, seed {_options.Seed}, {_options.Pairs} rounds " +
             "(order rotated each round), every run in its own process");
        Line("- Sides: " + string.Join("; ", _sides.Select(s => $"{s.Key} = {s.Value.Runtime}")));
        Line();
        Line("Median (min-max) over the rounds:");
        Line();
        Line("| side | training images/s | inference images/s | test accuracy | peak RSS | RSS growth epoch 2 -> last |");
        Line("|---|---|---|---|---|---|");
        foreach (var (side, s) in _sides)
            Line($"| {side} | {Stats.Range(s.TrainImagesPerSecond, "N0", "")} | {Stats.Range(s.EvalImagesPerSecond, "N0", "")} | " +
                 $"{Stats.Range(s.TestAccuracy, "F4", "")} | {Stats.Range(s.PeakRssMb, "N0", " MB")} | {Stats.Range(s.MemoryGrowthPercent, "F1", "%")} |");
        Line();
        Line("Bars from docs/BENCHMARKS.md; ratios are taken within each round, then the median (min-max) over rounds:");
        Line();
        Line("| figure | bar | measured | verdict |");
        Line("|---|---|---|---|");
        foreach (var b in _bars)
            Line($"| {b.Name} | {b.Required} | {b.Measured} | {b.Verdict} |");
        Line();
        var bareVsPeer = _ratios["bare_vs_peer_train"].Stats;
        var packageFit = _sides.GetValueOrDefault("package")?.FitSeconds;
        Line($"Context: bare TorchSharp / peer training {Stats.Range(bareVsPeer, "F2", "x")}; package whole `Fit` wall time " +
             $"{Stats.Range(packageFit, "F1", " s")} (training steps alone: {Stats.Range(_sides.GetValueOrDefault("package")?.TrainSeconds, "F1", " s")}).");
        Line();
        Line("| round | side | training images/s | inference images/s | accuracy | peak RSS MB | RSS growth | 1-min load before / after |");
        Line("|---|---|---|---|---|---|---|---|");
        foreach (var r in _runs)
            Line($"| {r.Round}.{r.OrderInRound + 1} | {r.Side} | {r.TrainImagesPerSecond.ToString("N0", Inv)} | " +
                 $"{r.EvalImagesPerSecond.ToString("N0", Inv)} | {r.TestAccuracy.ToString("F4", Inv)} | " +
                 $"{r.PeakRssMb.ToString("N0", Inv)} | {(r.MemoryGrowthPercent is double g ? g.ToString("F1", Inv) + "%" : "n/a")} | " +
                 $"{OneMinute(r.LoadAverageBefore)} / {OneMinute(r.LoadAverageAfter)} |");
        Line();
        Line("Every figure is defined in bench/README.md; all runs and per-epoch details are in cnn.json.");
        return md.ToString();
    }

    public void PrintTable()
    {
        Console.WriteLine();
        Console.WriteLine($"{"side",-8} {"train img/s (min-max)",-26} {"eval img/s (min-max)",-26} {"accuracy",-22} {"peak RSS MB",-22} growth");
        foreach (var (side, s) in _sides)
            Console.WriteLine($"{side,-8} {Stats.Range(s.TrainImagesPerSecond, "N0", ""),-26} {Stats.Range(s.EvalImagesPerSecond, "N0", ""),-26} " +
                              $"{Stats.Range(s.TestAccuracy, "F4", ""),-22} {Stats.Range(s.PeakRssMb, "N0", ""),-22} {Stats.Range(s.MemoryGrowthPercent, "F1", "%")}");
        Console.WriteLine();
        foreach (var b in _bars)
            Console.WriteLine($"{b.Name,-50} {b.Required,-24} {b.Measured,-28} {b.Verdict}");
    }

    public static string RunLine(RunResult r)
    {
        string fit = r.FitSeconds is double f ? string.Create(Inv, $", whole Fit {f:F1} s") : "";
        string growth = r.MemoryGrowthPercent is double g ? string.Create(Inv, $", RSS growth {g:F1}%") : "";
        return string.Create(Inv,
            $"  {r.Side,-7} round {r.Round}: train {r.TrainImagesPerSecond:N0} img/s ({r.TrainSeconds:F1} s{fit}), eval {r.EvalImagesPerSecond:N0} img/s, accuracy {r.TestAccuracy:F4}, peak RSS {r.PeakRssMb:N0} MB{growth}, process {r.ProcessSeconds:F0} s");
    }

    private static string OneMinute(string? loadAverage) => loadAverage?.Split(' ')[0] ?? "n/a";
}
