using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MlNetTriplet.Bench;

/// <summary>Per recipe: medians and ranges per side, ratios paired within each round, and the issue's bars; written as
/// <c>triplet.json</c> (everything, every run) and <c>triplet.md</c> (the short tables).</summary>
internal sealed class TripletReport(TripletOptions options, MachineInfo machine, DateTimeOffset started, string? loadAtStart,
    IReadOnlyDictionary<string, string?> omp, IReadOnlyList<TripletRunResult> runs)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly DateTimeOffset _finished = DateTimeOffset.Now;
    private readonly string? _loadAtEnd = MachineInfo.LoadAverageNow();

    private IEnumerable<TripletRunResult> Of(string recipe, string side) => runs.Where(r => r.Recipe == recipe && r.Side == side);

    private Stats? Side(string recipe, string side, Func<TripletRunResult, double> figure) =>
        Stats.Of(Of(recipe, side).Select(figure));

    private Stats? Paired(string recipe, Func<TripletRunResult, double?> figure, Func<double, double, double> combine) =>
        Stats.Paired(runs.Where(r => r.Recipe == recipe), figure, combine);

    private static Stats? Ratio(TripletReport r, string recipe) => r.Paired(recipe, x => x.TrainImagesPerSecond, (a, b) => a / b);

    private List<Bar> Bars()
    {
        var bars = new List<Bar>();
        foreach (string recipe in options.Recipes)
        {
            bars.Add(Bar.Ratio(recipe, "Training images/s, package / peer", Ratio(this, recipe), 1.5, null));
            if (recipe == "semihard")
            {
                bars.Add(Bar.Within(recipe, "P@1, package - peer (points)", Paired(recipe, x => x.PrecisionAt1, (a, b) => (a - b) * 100), 0.5));
                bars.Add(Bar.Within(recipe, "MAP@R, package - peer (points)", Paired(recipe, x => x.MeanAveragePrecisionAtR, (a, b) => (a - b) * 100), 1.0));
                if (options.MinPrecisionAt1 is double minP1)
                {
                    var ownP1 = Side(recipe, "package", x => x.PrecisionAt1);
                    bars.Add(new(recipe, "P@1, package", ">= " + minP1.ToString("F2", Inv), Stats.Range(ownP1, "F4", ""), Bar.VerdictOf(ownP1?.Median >= minP1)));
                }
            }
            else
            {
                bars.Add(Bar.Within(recipe, "10-NN accuracy, package - peer (points)", Paired(recipe, x => x.Knn10Accuracy, (a, b) => (a - b) * 100), 1.0));
            }
        }
        return bars;
    }

    public void Write(string outDir)
    {
        var summary = options.Recipes.ToDictionary(recipe => recipe, recipe => new
        {
            Sides = new[] { "package", "peer" }.ToDictionary(side => side, side => new
            {
                Runs = Of(recipe, side).Count(), Runtime = Of(recipe, side).FirstOrDefault()?.Runtime,
                TrainImagesPerSecond = Side(recipe, side, r => r.TrainImagesPerSecond),
                PrecisionAt1 = Side(recipe, side, r => r.PrecisionAt1), RPrecision = Side(recipe, side, r => r.RPrecision),
                MeanAveragePrecisionAtR = Side(recipe, side, r => r.MeanAveragePrecisionAtR),
                Knn1Accuracy = Side(recipe, side, r => r.Knn1Accuracy), Knn10Accuracy = Side(recipe, side, r => r.Knn10Accuracy),
                PeakRssMb = Side(recipe, side, r => r.PeakRssMb), TrainSeconds = Side(recipe, side, r => r.TrainSeconds),
            }),
            TrainImagesPerSecondPackageOverPeer = Ratio(this, recipe),
        });
        var document = new
        {
            Benchmark = "triplet", Started = started, Finished = _finished, Machine = machine,
            LoadAverageAtStart = loadAtStart, LoadAverageAtEnd = _loadAtEnd, OmpEnv = omp,
            Settings = new
            {
                options.Recipes, options.Pairs, options.Threads, Seeds = Enumerable.Range(1, options.Pairs).Select(options.SeedOf).ToList(),
                options.DataDir, options.MinPrecisionAt1,
                Epochs = options.Recipes.ToDictionary(r => r, options.EpochsFor),
                NTrain = runs.FirstOrDefault()?.NTrain, NTest = runs.FirstOrDefault()?.NTest,
            },
            Summary = summary, Bars = Bars(), Runs = runs,
        };
        File.WriteAllText(Path.Combine(outDir, options.Name + ".json"), JsonSerializer.Serialize(document, Json.Indented) + "\n");
        File.WriteAllText(Path.Combine(outDir, options.Name + ".md"), Markdown());
    }

    public string Markdown()
    {
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');
        var first = runs.FirstOrDefault();
        Line("# Triplet benchmark: package vs PyTorch peers");
        Line();
        md.Append(machine.ReportHeader(started, _finished, loadAtStart, _loadAtEnd, omp));
        Line($"- Data `{options.DataDir}`, {first?.NTrain.ToString("N0", Inv)} train / {first?.NTest.ToString("N0", Inv)} test images, " +
             $"{options.Threads} threads, seeds {options.SeedList()} (round by round), {options.Pairs} rounds per recipe (order alternated), every run in its own process");
        Line("- Recipes: `semihard` = TF-Addons TripletSemiHardLoss tutorial (`triplet_semihard.py`: batch 32, 5 epochs, margin 1, " +
             "Euclidean, 256-d L2-normalised); `softmax` = Keras triplet tutorial (`triplet_softmax_ratio.py`: 150 steps x 64 " +
             "triplets x 3 epochs, L1 softmax ratio, 100-d ReLU). Package side: `TripletEmbeddingOptions.SemiHardRecipe()` / " +
             "`SoftmaxRatioRecipe()` through an ML.NET pipeline.");
        Line("- Metrics of both sides by the peer's own `retrieval_metrics` (bench/triplet_metrics.py): P@1, R-precision, MAP@R " +
             "over test vs the other test items; 1-NN / 10-NN accuracy of test vs train; Euclidean.");
        Line();
        Line("Median (min-max) over the rounds:");
        Line();
        Line("| recipe | side | training images/s | P@1 | R-precision | MAP@R | 1-NN acc | 10-NN acc | peak RSS |");
        Line("|---|---|---|---|---|---|---|---|---|");
        foreach (string recipe in options.Recipes)
            foreach (string side in new[] { "package", "peer" })
                Line($"| {recipe} | {side} | {Stats.Range(Side(recipe, side, r => r.TrainImagesPerSecond), "N0", "")} | " +
                     $"{Stats.Range(Side(recipe, side, r => r.PrecisionAt1), "F4", "")} | {Stats.Range(Side(recipe, side, r => r.RPrecision), "F4", "")} | " +
                     $"{Stats.Range(Side(recipe, side, r => r.MeanAveragePrecisionAtR), "F4", "")} | {Stats.Range(Side(recipe, side, r => r.Knn1Accuracy), "F4", "")} | " +
                     $"{Stats.Range(Side(recipe, side, r => r.Knn10Accuracy), "F4", "")} | {Stats.Range(Side(recipe, side, r => r.PeakRssMb), "N0", " MB")} |");
        Line();
        Line("Bars (issue 3); ratios and differences are taken within each round, then the median (min-max):");
        Line();
        md.Append(Bar.Table(Bars(), "recipe"));
        Line();
        Line("| recipe | round | side | training images/s | P@1 | MAP@R | 10-NN acc | 1-min load before / after |");
        Line("|---|---|---|---|---|---|---|---|");
        foreach (var r in runs)
            Line($"| {r.Recipe} | {r.Round}.{r.OrderInRound + 1} | {r.Side} | {r.TrainImagesPerSecond.ToString("N0", Inv)} | " +
                 $"{r.PrecisionAt1.ToString("F4", Inv)} | {r.MeanAveragePrecisionAtR.ToString("F4", Inv)} | {r.Knn10Accuracy.ToString("F4", Inv)} | " +
                 $"{r.LoadAverageBefore?.Split(' ')[0]} / {r.LoadAverageAfter?.Split(' ')[0]} |");
        Line();
        Line($"All runs and per-epoch details are in {options.Name}.json.");
        return md.ToString();
    }
}
