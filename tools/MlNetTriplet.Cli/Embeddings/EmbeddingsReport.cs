using System.Globalization;
using MlNetTriplet.Cli.Report;
using MlNetTriplet.Cli.Running;
using static MlNetTriplet.Cli.Report.CommonSections;

namespace MlNetTriplet.Cli.Embeddings;

/// <summary>report.html and metrics.json of an embeddings run.</summary>
internal sealed class EmbeddingsReport(RunContext run, EmbeddingData data, TripletEmbeddingOptions options,
    BudgetedNetwork<TripletEmbeddingTransformer> network, EmbeddingMetrics metrics, Baseline baseline, NeighbourSearch search,
    string mapPng, int mapRows, int mapNeighbours, IReadOnlyList<IReadOnlyList<Thumbnail>> neighbours)
{
    /// <summary>What MAP@R means, in words.</summary>
    public static string Sentence(EmbeddingData data, EmbeddingMetrics m, Baseline baseline) =>
        $"Ranking the other {m.Rows - 1:N0} {Measured(data)} by embedding distance from each one, the images of its own class come first with a mean average precision " +
        $"of {F(m.MeanAveragePrecisionAtR, "F3")} (MAP@R; 1 is perfect), against {F(baseline.Metrics.MeanAveragePrecisionAtR, "F3")} when ranking by {baseline.Name}. " +
        $"The single nearest image shares the class for {Percent(m.PrecisionAt1)} of them ({baseline.Name}: {Percent(baseline.Metrics.PrecisionAt1)}).";

    /// <summary>The images retrieval is measured among, in words.</summary>
    private static string Measured(EmbeddingData data) => data.HeldOutClasses > 0
        ? $"test images of the {data.HeldOutClasses} held-out classes (never trained on)"
        : "test images";

    public void Write(string usage)
    {
        var model = network.Model;
        var history = model.History!;
        var trainCounts = Counts(data.Train);
        var testCounts = Counts(data.Test);
        bool photos = data.Network == EmbeddingNetwork.ResNet18;
        string baselineName = baseline.Name;
        var report = new HtmlReport("Image embeddings",
            $"{Path.GetFileName(data.Source)}: {data.Classes.Count} classes, " +
            (options.EmbeddingSource != PhotoEmbeddingSource.Head ? "the ImageNet ResNet-18 fine-tuned for classes it does not see, against its untrained features"
                : photos ? "an embedding head on the ImageNet ResNet-18 against the ResNet-18's own features" : "a triplet-loss network against raw pixels") +
            (data.HeldOutClasses > 0 ? $", measured on {data.HeldOutClasses} classes never trained on" : ""));

        // For photos, the ResNet-18 features by cosine distance too: the fair baseline for L2-normalised embeddings.
        var cosine = baseline.Cosine;
        string cosineName = $"{baselineName}, cosine";
        IReadOnlyList<string> Row(string metric, Func<EmbeddingMetrics, string> of, string meaning) =>
            cosine is null ? [metric, of(metrics), of(baseline.Metrics), meaning] : [metric, of(metrics), of(baseline.Metrics), of(cosine), meaning];
        report.Section("summary", "Result")
            .Headline(F(metrics.MeanAveragePrecisionAtR, "F3"), $"MAP@R of the {Measured(data)}", Sentence(data, metrics, baseline))
            .Table(cosine is null ? ["metric", "embedding", baselineName, "meaning"] : ["metric", "embedding", baselineName, cosineName, "meaning"],
            [
                Row("P@1", m => F(m.PrecisionAt1), "the nearest other test image has the same class"),
                Row("R-precision", m => F(m.RPrecision), "share of the same class among the R nearest, R = images of the class"),
                Row("MAP@R", m => F(m.MeanAveragePrecisionAtR), "like R-precision, rewarding same-class images ranked first"),
                Row($"{metrics.KnnNeighborCount}-NN accuracy", m => F(m.KnnAccuracy),
                    metrics.ReferenceRows > 0 ? $"majority class of the {metrics.KnnNeighborCount} nearest of {metrics.ReferenceRows:N0} training images"
                        : $"majority class of the {metrics.KnnNeighborCount} nearest other test images"),
                Row("NMI", m => m.NormalizedMutualInformation is double n ? F(n) : "-", "agreement of k-means clusters with the classes (1 is perfect)"),
            ], new HashSet<string> { "embedding", baselineName, cosineName })
            .Note("Definitions as pytorch-metric-learning's AccuracyCalculator; Euclidean distance. " + (photos
                ? "ResNet-18 features: the same search on the pretrained network's pooled features (512 values), before any training on these photos: the baseline the embedding has to beat. " +
                    "ResNet-18 features, cosine: the same features L2-normalised, as the embedding is: the fair comparison, since normalising alone often ranks better."
                : "Raw pixels: the same search on the images' pixel values, the baseline the embedding has to beat."));

        var facts = new List<(string, string)>
        {
            ("source", ShownPath.Of(data.Source)),
            ("split", data.Layout),
            ("images", $"{trainCounts.Sum():N0} for training" +
                (history.Epochs[0].ValidationLoss is null ? " (too few per class to hold some out for validation)" : " (10% of them held out for the validation curve and early stopping)") +
                $", {testCounts.Sum():N0} for testing; {data.Shape} each"),
        };
        if (data.HeldOutClasses > 0)
            facts.Add(("held-out classes", $"{string.Join(", ", data.HeldOut)}: the last {data.HeldOutClasses} in sorted order (--holdout-classes), never trained on; " +
                $"retrieval is measured among their {testCounts.Sum():N0} test images, which are also the search's gallery"));
        report.Section("dataset", "Dataset")
            .Facts(facts)
            .Table(["class", "training images", "test images"], data.Classes.Select((c, i) => (IReadOnlyList<string>)
                [c, trainCounts[i].ToString("N0", CultureInfo.InvariantCulture), testCounts[i].ToString("N0", CultureInfo.InvariantCulture)]),
                new HashSet<string> { "training images", "test images" });

        report.Section("settings", "Settings").Facts(Settings(model, history));

        LearningCurves(report, run, network, options.EmbeddingSource != PhotoEmbeddingSource.Head ? "ResNet-18, last block fine-tuned"
            : photos ? "Embedding head on the ResNet-18" : "Triplet network");

        report.Section("umap", "UMAP map of the test embeddings")
            .Paragraph($"Each point is one of {mapRows:N0} {Measured(data)}, placed by UMAP ({mapNeighbours} neighbours, min_dist 0.1) so that images with close embeddings lie close; the colour is its class. Tight, separate islands mean the embedding tells the classes apart.")
            .Figures((mapPng, "UMAP projection of the test embeddings, coloured by class."));

        string sample = search.Rows < data.TrainIds.Count && data.HeldOutClasses == 0 ? $" (a sample of {search.Rows:N0} of the {data.TrainIds.Count:N0})" : "";
        report.Section("neighbours", "Nearest neighbours")
            .Paragraph($"The model's search (saved in model.zip with the network) holds {search.Rows:N0} {search.What}{sample}. For one test image per class (blue frame), " +
                $"its nearest images in that gallery by embedding distance{(data.HeldOutClasses > 0 ? ", itself left out" : "")}: green frames share its class, red ones do not (retrieval mistakes). Captions give the class and the distance.")
            .ThumbnailRows(neighbours);

        EndAndSave(report, run, usage);

        MetricsFile.Write(run.Output.MetricsPath, new
        {
            scenario = "embeddings",
            dataset = data.Source,
            split = data.Layout,
            network = photos ? "resnet18" : "cnn",
            imageShape = data.Shape.ToString(),
            classes = data.Classes.Select((c, i) => new { name = c, trainImages = trainCounts[i], testImages = testCounts[i] }),
            heldOutClasses = data.HeldOut,
            evaluatedOn = Measured(data),
            embeddingSize = model.EmbeddingSize,
            headline = new { metric = "mapAtR", embedding = metrics.MeanAveragePrecisionAtR, baseline = baseline.Metrics.MeanAveragePrecisionAtR },
            embedding = Json(metrics),
            baseline = new { name = baseline.Name, metrics = Json(baseline.Metrics), cosine = baseline.Cosine is { } c ? Json(c) : null },
            gallery = new { rows = search.Rows, holds = search.What, neighbors = NeighbourSearch.Neighbours },
            umapRows = mapRows,
            training = TrainingJson(run, network),
            timings = TimingsJson(run),
            totalSeconds = run.Timings.TotalSeconds,
        });
    }

    /// <summary>The network, loss, training, budget and seed, in words, from the options the network trained with.</summary>
    private List<(string, string)> Settings(TripletEmbeddingTransformer model, TrainingHistory history)
    {
        bool photos = data.Network == EmbeddingNetwork.ResNet18;
        string normalised = model.IsNormalized ? ", L2-normalised" : "";
        var cnn = model.Architecture;
        string networkText = options.EmbeddingSource != PhotoEmbeddingSource.Head
            ? $"ImageNet ResNet-18, its last block fine-tuned under a linear projection head to {options.EmbeddingSize} values that serves training only; " +
                (options.EmbeddingSource == PhotoEmbeddingSource.BackboneAndPretrained
                    ? $"the embedding ({model.EmbeddingSize} values) is the fine-tuned network's own pooled features beside the untrained network's, each L2-normalised: " +
                        "the fine-tuned half keeps more of what tells unseen classes apart than the head, the untrained half what training did not touch"
                    : $"the embedding is the fine-tuned network's own {model.EmbeddingSize} pooled features{normalised}, which keep more of what tells unseen classes apart")
            : photos
            ? $"ImageNet ResNet-18 ({(model.BackboneMode == TransferMode.FrozenBackbone ? "frozen: its pooled features computed once per photo" : "fine-tuned")}), then a linear embedding head to {model.EmbeddingSize} values{normalised}"
            : cnn is null ? "MLP" : $"CNN: {string.Join(", ", cnn.Blocks.Select(b => $"conv {b.Filters} {b.KernelSize}x{b.KernelSize}"))}, " +
                $"dense {string.Join("-", cnn.DenseUnits)}, then a {model.EmbeddingSize}-value embedding{normalised}";
        string batches = photos
            ? $"class-balanced batches of {options.ClassesPerBatch} classes x {options.SamplesPerClass} photos"
            : "each batch of 32 (TF-Addons TripletSemiHardLoss)";
        string mining = options.Mining == TripletMining.BatchHard ? "batch-hard triplets (each photo's farthest positive and nearest negative)" : "semi-hard triplets";
        string rate = options.LearningRate.ToString("G", CultureInfo.InvariantCulture);
        return
        [
            ("network", networkText),
            ("loss", $"triplet margin loss (margin {options.Margin.ToString("G", CultureInfo.InvariantCulture)}, Euclidean distance) on {mining} mined in {batches}"),
            ("training", $"Adam, learning rate {rate} on a cosine schedule" +
                (options.BackboneMode == TransferMode.FrozenBackbone || !photos ? "" : $", the fine-tuned block at {options.BackboneLearningRateFactor.ToString("G", CultureInfo.InvariantCulture)} x that rate") +
                (history.Epochs[0].ValidationLoss is null ? ""
                : $"; early stopping after {EmbeddingsScenario.Patience} epochs without a lower validation loss, keeping the best epoch")),
            ("budget", run.Budget.FixedEpochs is int e ? $"{e} epochs (--epochs)" : $"{run.Budget.Seconds:F0} s (--train-time): {network.Plan}"),
            ("seed", run.Settings.Seed.ToString(CultureInfo.InvariantCulture)),
        ];
    }

    private static object Json(EmbeddingMetrics m) => new
    {
        precisionAt1 = m.PrecisionAt1, rPrecision = m.RPrecision, mapAtR = m.MeanAveragePrecisionAtR, knnAccuracy = m.KnnAccuracy,
        knnNeighbors = m.KnnNeighborCount, referenceRows = m.ReferenceRows, nmi = m.NormalizedMutualInformation, rows = m.Rows,
    };

    /// <summary>Images of each class in <paramref name="view"/>, in the order of <see cref="EmbeddingData.Classes"/>.</summary>
    private List<int> Counts(Microsoft.ML.IDataView view)
    {
        var counts = Microsoft.ML.Data.ColumnCursorExtensions.GetColumn<string>(view, EmbeddingData.ClassColumn)
            .GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        return data.Classes.Select(c => counts.GetValueOrDefault(c)).ToList();
    }
}
