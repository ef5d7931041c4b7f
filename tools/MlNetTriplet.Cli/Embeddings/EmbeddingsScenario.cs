using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Cli.Commands;
using MlNetTriplet.Cli.Consumption;
using MlNetTriplet.Cli.Images;
using MlNetTriplet.Cli.Report;
using MlNetTriplet.Cli.Running;
using MlNetTriplet.Cli.Tabular;
using MlNetTriplet.Plots;

namespace MlNetTriplet.Cli.Embeddings;

/// <summary>Images to embeddings: a small CNN trained with a triplet loss (the TF-Addons semi-hard recipe on the
/// package's standard CNN) on IDX files or small images, or an embedding head on the frozen ImageNet ResNet-18 trained
/// the same way in class-balanced batches on photos; with classes held out of training, photos take
/// <see cref="TripletEmbeddingOptions.PhotoRecipe"/> instead (the head trained on a few classes forgets what tells
/// others apart: README, Image similarity). Scored by retrieval against a baseline (raw pixels, or the ResNet-18's own
/// features); searched by the package's nearest-neighbour transform, saved with the network; mapped in 2-D with
/// UMAP.</summary>
internal sealed class EmbeddingsScenario(string dataset, int? embeddingSize, int? imageSize, EmbeddingNetwork? network,
    int? holdOutClasses) : IScenario
{
    /// <summary>Values per embedding of a trained head, unless --embedding-size says otherwise.</summary>
    internal const int DefaultEmbeddingSize = 64;
    internal const int MaxEpochs = 30;
    /// <summary>Epochs of the embedding head on the frozen ResNet-18's cached features (README: 10 epochs on the Caltech
    /// photos).</summary>
    internal const int PhotoEpochs = 10;
    internal const int Patience = 3;
    /// <summary>Share of the training rows held out for the validation curve and early stopping.</summary>
    internal const double ValidationFraction = 0.1;
    /// <summary>P and K of the photos' class-balanced batches: at most 8 classes, 4 photos each.</summary>
    internal const int MaxClassesPerBatch = 8;
    internal const int SamplesPerClass = 4;
    /// <summary>Photos the ResNet-18 embeds at once after training (its first block's output for 256 photos is 822 MB).</summary>
    private const int PhotoInferenceBatch = 64;
    /// <summary>Training rows the k-NN accuracy votes with (all of them would cost minutes on a large set).</summary>
    internal const int MaxReferenceRows = 10_000;
    /// <summary>Test rows on the UMAP map.</summary>
    internal const int MaxMapRows = 5_000;
    /// <summary>Queries (one per class) and neighbours each in the report's gallery.</summary>
    private const int ExampleQueries = 8, ExampleNeighbours = 6;

    public void Run(RunContext run)
    {
        var ml = run.Ml;
        var console = run.Console;
        var data = run.Timings.Measure("loading the images", () => EmbeddingData.Load(run, dataset, network, imageSize, holdOutClasses));
        console.Line($"Data: {data.Source}: {data.Classes.Count} classes, images {data.Shape} ({data.Layout})");
        if (data.HeldOutClasses > 0)
            console.Line($"Held out of training: {string.Join(", ", data.HeldOut)} ({data.TestIds.Count:N0} test images); training on {string.Join(", ", data.TrainingClasses)}.");
        run.Output.Create();

        bool photos = data.Network == EmbeddingNetwork.ResNet18;
        bool recipe = ForUnseenClasses(data);
        var options = Options(data);
        var trained = run.Timings.Measure(recipe ? "fine-tuning the ResNet-18's last block" : photos ? "ResNet-18 features of the training photos, then the embedding head" : "training the triplet network",
            () => BudgetedTraining.Fit(run,
                recipe ? "ResNet-18, last block fine-tuned under a projection head (batch-hard triplets, P x K batches)"
                    : photos ? "ResNet-18 features, then the embedding head (semi-hard triplets, P x K batches)" : "Triplet network (semi-hard mining)",
                options, o => ml.Transforms.TripletEmbedding(o).Fit(data.Train),
                recipe ? options.NumberOfEpochs : photos ? PhotoEpochs : MaxEpochs, measureFirstEpoch: !photos || recipe));

        // Cached: the metrics, the search, the examples and the map all read the embeddings of the test rows.
        var test = ml.Data.Cache(trained.Model.Transform(data.Test));
        // The k-NN accuracy votes with training rows of the same classes; photos (each a ResNet-18 pass) and held-out
        // classes vote among the other test rows instead.
        var referencePixels = photos || data.HeldOutClasses > 0 ? null : ml.Data.TakeRows(data.Train, MaxReferenceRows);
        var reference = referencePixels is null ? null : ml.Data.Cache(trained.Model.Transform(referencePixels));
        var metrics = run.Timings.Measure("retrieval metrics of the embeddings", () =>
            ml.Embeddings().Evaluate(test, "Embedding", EmbeddingData.ClassColumn, reference));
        var baseline = run.Timings.Measure("the same metrics on the baseline", () => Baseline.Measure(run, data, referencePixels));
        console.Line($"{(data.HeldOutClasses > 0 ? "Held-out classes, embeddings" : "Test embeddings")}: {metrics}");
        console.Line($"{(data.HeldOutClasses > 0 ? "Held-out classes, " : "")}{baseline.Name}: {baseline.Metrics}");
        if (baseline.Cosine is { } cosine)
            console.Line($"{(data.HeldOutClasses > 0 ? "Held-out classes, " : "")}{baseline.Name} by cosine distance: {cosine}");

        var search = run.Timings.Measure("the nearest-neighbour search over the gallery", () => NeighbourSearch.Fit(run, data, trained.Model, test));
        var examples = search.Examples(ml, test, data.TestIds, data.Classes, ExampleQueries, ExampleNeighbours);
        string map = run.Output.Plot("umap");
        var (mapRows, mapNeighbours) = run.Timings.Measure("UMAP map of the test embeddings", () => Map(run, test, map));
        var testThumbnails = TestThumbnails(data);

        string usage = run.Timings.Measure("saving the model (zip and ONNX) and the consumption project", () =>
            Save(run, data, trained.Model, search, testThumbnails));

        var report = new EmbeddingsReport(run, data, options, trained, metrics, baseline, search, map, mapRows, mapNeighbours,
            examples.Select(e => (IReadOnlyList<Thumbnail>)[testThumbnails(e.QueryRow, $"query: {e.QueryClass}", "query"),
                .. e.Neighbours.Select((n, i) => NeighbourThumbnail(data, search, n,
                    $"{i + 1}. {n.Class}, {n.Distance.ToString("F2", CultureInfo.InvariantCulture)}", n.Class == e.QueryClass ? "right" : "wrong"))]).ToList());
        run.Timings.Measure("writing the report", () => report.Write(usage));
        console.Line(EmbeddingsReport.Sentence(data, metrics, baseline));
        console.Line($"Wrote {run.Output.ModelPath}, {run.Output.OnnxPath} (+ .json), {run.Output.MetricsPath}, {run.Output.ReportPath} and {run.Output.ConsumptionDirectory}/");
        trained.Model.Dispose();
    }

    /// <summary>Whether the embeddings are for classes training does not see: photos with --holdout-classes, which
    /// train with <see cref="TripletEmbeddingOptions.PhotoRecipe"/> and embed with the fine-tuned ResNet-18's pooled
    /// features beside the untrained ones (1,024 values).</summary>
    internal static bool ForUnseenClasses(EmbeddingData data) => data.Network == EmbeddingNetwork.ResNet18 && data.HeldOutClasses > 0;

    /// <summary>The estimator's options: the semi-hard recipe; for photos the ResNet-18 (the default backbone, frozen)
    /// in P x K batches of the training classes, or the photo recipe when the embeddings are for unseen classes.
    /// Validation batches need positive pairs (P x K ones, K of a class): a tenth of the training rows only when that
    /// leaves every class enough.</summary>
    private TripletEmbeddingOptions Options(EmbeddingData data)
    {
        bool photos = data.Network == EmbeddingNetwork.ResNet18;
        bool recipe = ForUnseenClasses(data);
        if (recipe && embeddingSize is int size)
            throw new InputException($"--embedding-size {size} sizes a trained head's output; with --holdout-classes on photos the embedding is the fine-tuned " +
                "ResNet-18's own pooled features beside its untrained ones (1,024 values; the head trains only), so leave --embedding-size out.");
        int smallestClass = data.Train.GetColumn<string>(EmbeddingData.ClassColumn).GroupBy(c => c).Min(g => g.Count());
        bool validate = smallestClass * ValidationFraction >= (photos ? SamplesPerClass : 2);
        var options = recipe ? TripletEmbeddingOptions.PhotoRecipe() : new TripletEmbeddingOptions
        {
            EmbeddingSize = embeddingSize ?? DefaultEmbeddingSize, LearningRateSchedule = LearningRateSchedule.Cosine,
        };
        options.FeatureColumnName = data.InputColumn;
        options.LabelColumnName = EmbeddingData.KeyColumn;
        options.ValidationFraction = validate ? ValidationFraction : 0;
        options.EarlyStoppingPatience = validate ? Patience : 0;
        if (photos)
        {
            options.ClassesPerBatch = Math.Min(MaxClassesPerBatch, data.TrainingClasses.Count);
            options.SamplesPerClass = SamplesPerClass;
            options.InferenceBatchSize = PhotoInferenceBatch;
        }
        else
        {
            options.ImageShape = data.Shape;
        }
        return options;
    }

    /// <summary>UMAP of (up to <see cref="MaxMapRows"/>) test embeddings, coloured by class; returns the rows drawn and
    /// the neighbours UMAP used.</summary>
    private static (int Rows, int Neighbours) Map(RunContext run, IDataView test, string png)
    {
        var ml = run.Ml;
        var rows = ml.Data.TakeRows(test, MaxMapRows);
        int count = (int)(rows.GetRowCount() ?? rows.GetColumn<string>(EmbeddingData.ClassColumn).Count());
        // umap-learn's 15 neighbours, fewer on a test set too small for them.
        int neighbours = Math.Min(15, count - 1);
        var projected = ml.Transforms.ProjectToUmap("Umap", "Embedding", new UmapOptions { NeighborCount = neighbours })
            .Fit(rows).Transform(rows);
        ScatterPlots.SaveScatter(projected, "Umap", EmbeddingData.ClassColumn, png, $"UMAP of {count:N0} test embeddings");
        return (count, neighbours);
    }

    /// <summary>Thumbnails of test rows: from the pixels for IDX data, from the files otherwise.</summary>
    private static Func<int, string, string, Thumbnail> TestThumbnails(EmbeddingData data)
    {
        if (data.FromIdx)
        {
            var pixels = data.Test.GetColumn<float[]>(EmbeddingData.FeaturesColumn).ToArray();
            return (row, caption, kind) => Thumbnails.FromPixels(pixels[row], data.Shape, caption, kind);
        }
        return (row, caption, kind) => FromFile(data.TestIds[row], caption, kind);
    }

    /// <summary>A gallery image found by the search: its pixels for IDX data (kept with the gallery), its file otherwise.</summary>
    private static Thumbnail NeighbourThumbnail(EmbeddingData data, NeighbourSearch search, Neighbour neighbour, string caption, string kind) =>
        search.Pixels is { } pixels ? Thumbnails.FromPixels(pixels[neighbour.Id], data.Shape, caption, kind) : FromFile(neighbour.Id, caption, kind);

    private static Thumbnail FromFile(string path, string caption, string kind) =>
        Thumbnails.FromFile(path, caption, kind) ?? new Thumbnail([], "image/png", caption + " (unreadable)", kind);

    /// <summary>model.zip (image path in; the embedding, the nearest gallery images and their vote out), sample images
    /// for IDX data, and Consumption/. Returns the consumption program's usage line.</summary>
    private static string Save(RunContext run, EmbeddingData data, TripletEmbeddingTransformer network, NeighbourSearch search,
        Func<int, string, string, Thumbnail> testThumbnails)
    {
        var ml = run.Ml;
        string example;
        IDataView paths;
        if (data.FromIdx)
        {
            // IDX data has no image files: one PNG per class from the test set, to try the model on.
            string samples = Path.Combine(run.Output.Directory, "samples");
            Directory.CreateDirectory(samples);
            var classes = data.Test.GetColumn<string>(EmbeddingData.ClassColumn).ToList();
            var files = data.Classes.Select((name, index) => (name, index, row: classes.IndexOf(name))).Where(c => c.row >= 0).Select(c =>
            {
                string file = Path.Combine(samples, $"{c.index:D2}-{Safe(c.name)}.png");
                File.WriteAllBytes(file, testThumbnails(c.row, "", "").Data);
                return file;
            }).ToList();
            example = files[0];
            paths = ml.Data.LoadFromEnumerable(files.Select(f => new ImageFile { ImagePath = f }));
        }
        else
        {
            example = data.TestIds[0];
            paths = ml.Data.LoadFromEnumerable(new[] { new ImageFile { ImagePath = example } });
        }
        // One flat chain, so the steps can be listed: image loading (CNN), the network, the search and its vote's name.
        var model = new TransformerChain<ITransformer>([
            .. data.ImageLoading is { } loading ? Steps(loading.Fit(paths)) : [],
            network, .. Steps(search.Model)]);
        ml.Model.Save(model, paths.Schema, run.Output.ModelPath);
        run.Onnx = Export.OnnxOutput.Write(run, model, paths);

        string usage = TabularConsumption.ShellQuote(ShownPath.From(run.Output.ConsumptionDirectory, example));
        ConsumptionProject.Write(run.Output, new Dictionary<string, string>
        {
            ["Scenario"] = "embeddings",
            ["Dataset"] = Path.GetFileName(data.Source),
            ["Usage"] = usage,
            ["GalleryRows"] = search.Rows.ToString("N0", CultureInfo.InvariantCulture),
            ["Gallery"] = search.What,
        }, "EmbeddingsProgram.txt", ["model.zip"]);
        return usage;
    }

    private static IEnumerable<ITransformer> Steps(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.SelectMany(Steps) : [model];

    private static string Safe(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());

    private sealed class ImageFile
    {
        public string ImagePath { get; set; } = "";
    }
}
