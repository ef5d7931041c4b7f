using System.Globalization;
using MlNetTriplet.Cli.Report;
using MlNetTriplet.Cli.Running;
using static MlNetTriplet.Cli.Report.CommonSections;

namespace MlNetTriplet.Cli.Embeddings;

/// <summary>report.html and metrics.json of an embeddings run.</summary>
internal sealed class EmbeddingsReport(RunContext run, EmbeddingsScenario scenario, EmbeddingData data,
    BudgetedNetwork<TripletEmbeddingTransformer> network, EmbeddingMetrics metrics, EmbeddingMetrics pixels, string mapPng,
    int mapRows, int mapNeighbours, IReadOnlyList<IReadOnlyList<Thumbnail>> neighbours)
{
    private static readonly HashSet<string> NumberColumns = ["embedding", "raw pixels", "training images", "test images"];

    /// <summary>What MAP@R means, in words.</summary>
    public static string Sentence(EmbeddingMetrics m, EmbeddingMetrics pixels) =>
        $"Ranking the other {m.Rows - 1:N0} test images by embedding distance from each one, the images of its own class come first with a mean average precision " +
        $"of {F(m.MeanAveragePrecisionAtR, "F3")} (MAP@R; 1 is perfect), against {F(pixels.MeanAveragePrecisionAtR, "F3")} when ranking by raw pixels. " +
        $"The single nearest image shares the class for {Percent(m.PrecisionAt1)} of them (raw pixels: {Percent(pixels.PrecisionAt1)}).";

    public void Write(string usage)
    {
        var model = network.Model;
        var history = model.History!;
        var trainCounts = Counts(data.Train);
        var testCounts = Counts(data.Test);
        var report = new HtmlReport("Image embeddings",
            $"{Path.GetFileName(data.Source)}: {data.ClassNames.Count} classes, a triplet-loss network against raw pixels");

        report.Section("summary", "Result")
            .Headline(F(metrics.MeanAveragePrecisionAtR, "F3"), "MAP@R of the test images", Sentence(metrics, pixels))
            .Table(["metric", "embedding", "raw pixels", "meaning"],
            [
                ["P@1", F(metrics.PrecisionAt1), F(pixels.PrecisionAt1), "the nearest other test image has the same class"],
                ["R-precision", F(metrics.RPrecision), F(pixels.RPrecision), "share of the same class among the R nearest, R = images of the class"],
                ["MAP@R", F(metrics.MeanAveragePrecisionAtR), F(pixels.MeanAveragePrecisionAtR), "like R-precision, rewarding same-class images ranked first"],
                [$"{metrics.KnnNeighborCount}-NN accuracy", F(metrics.KnnAccuracy), F(pixels.KnnAccuracy), $"majority class of the {metrics.KnnNeighborCount} nearest of {metrics.ReferenceRows:N0} training images"],
                ["NMI", metrics.NormalizedMutualInformation is double n ? F(n) : "-", pixels.NormalizedMutualInformation is double p ? F(p) : "-", "agreement of k-means clusters with the classes (1 is perfect)"],
            ], NumberColumns)
            .Note("Definitions as pytorch-metric-learning's AccuracyCalculator; Euclidean distance. Raw pixels: the same search on the images' pixel values, the baseline the embedding has to beat.");

        report.Section("dataset", "Dataset")
            .Facts(
            [
                ("source", ShownPath.Of(data.Source)),
                ("split", data.Layout),
                ("images", $"{trainCounts.Sum():N0} for training" +
                    (history.Epochs[0].ValidationLoss is null ? " (too few per class to hold some out for validation)" : " (10% of them held out for the validation curve and early stopping)") +
                    $", {testCounts.Sum():N0} for testing; {data.Shape} each"),
            ])
            .Table(["class", "training images", "test images"], data.ClassNames.Select((c, i) => (IReadOnlyList<string>)
                [c, trainCounts[i].ToString("N0", CultureInfo.InvariantCulture), testCounts[i].ToString("N0", CultureInfo.InvariantCulture)]),
                NumberColumns);

        var cnn = model.Architecture;
        report.Section("settings", "Settings")
            .Facts(
            [
                ("network", cnn is null ? "MLP" : $"CNN: {string.Join(", ", cnn.Blocks.Select(b => $"conv {b.Filters} {b.KernelSize}x{b.KernelSize}"))}, " +
                    $"dense {string.Join("-", cnn.DenseUnits)}, then a {scenario.EmbeddingSize}-value embedding{(model.IsNormalized ? ", L2-normalised" : "")}"),
                ("loss", "triplet margin loss (margin 1, Euclidean distance) on semi-hard triplets mined in each batch of 32 (TF-Addons TripletSemiHardLoss)"),
                ("training", "Adam, learning rate 0.001 on a cosine schedule" + (history.Epochs[0].ValidationLoss is null ? ""
                    : $"; early stopping after {EmbeddingsScenario.Patience} epochs without a lower validation loss, keeping the best epoch")),
                ("budget", run.Budget.FixedEpochs is int e ? $"{e} epochs (--epochs)" : $"{run.Budget.Seconds:F0} s (--train-time): {network.Plan}"),
                ("seed", run.Settings.Seed.ToString(CultureInfo.InvariantCulture)),
            ]);

        LearningCurves(report, run, network, "Triplet network");

        report.Section("umap", "UMAP map of the test embeddings")
            .Paragraph($"Each point is one of {mapRows:N0} test images, placed by UMAP ({mapNeighbours} neighbours, min_dist 0.1) so that images with close embeddings lie close; the colour is its class. Tight, separate islands mean the embedding tells the classes apart.")
            .Figures((mapPng, "UMAP projection of the test embeddings, coloured by class."));

        report.Section("neighbours", "Nearest neighbours")
            .Paragraph("One test image per class (blue frame) and its nearest other test images by embedding distance: green frames share its class, red ones do not (retrieval mistakes).")
            .ThumbnailRows(neighbours);

        EndAndSave(report, run, usage);

        MetricsFile.Write(run.Output.MetricsPath, new
        {
            scenario = "embeddings",
            dataset = data.Source,
            split = data.Layout,
            imageShape = data.Shape.ToString(),
            classes = data.ClassNames.Select((c, i) => new { name = c, trainImages = trainCounts[i], testImages = testCounts[i] }),
            embeddingSize = scenario.EmbeddingSize,
            headline = new { metric = "mapAtR", embedding = metrics.MeanAveragePrecisionAtR, rawPixels = pixels.MeanAveragePrecisionAtR },
            embedding = Json(metrics),
            rawPixels = Json(pixels),
            umapRows = mapRows,
            training = TrainingJson(run, network),
            timings = TimingsJson(run),
            totalSeconds = run.Timings.TotalSeconds,
        });
    }

    private static object Json(EmbeddingMetrics m) => new
    {
        precisionAt1 = m.PrecisionAt1, rPrecision = m.RPrecision, mapAtR = m.MeanAveragePrecisionAtR, knnAccuracy = m.KnnAccuracy,
        knnNeighbors = m.KnnNeighborCount, referenceRows = m.ReferenceRows, nmi = m.NormalizedMutualInformation, rows = m.Rows,
    };

    private List<int> Counts(Microsoft.ML.IDataView view)
    {
        var keys = Microsoft.ML.Data.ColumnCursorExtensions.GetColumn<uint>(view, EmbeddingData.KeyColumn)
            .GroupBy(k => k).ToDictionary(g => g.Key, g => g.Count());
        return data.ClassNames.Select((_, i) => keys.GetValueOrDefault((uint)(i + 1))).ToList();
    }
}
