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

/// <summary>Images to embeddings trained with a triplet loss (the TF-Addons semi-hard recipe on the package's standard
/// CNN), scored by retrieval against raw pixels, and mapped in 2-D with UMAP.</summary>
internal sealed class EmbeddingsScenario(string dataset, int embeddingSize, int? imageSize) : IScenario
{
    internal const int MaxEpochs = 30;
    internal const int Patience = 3;
    /// <summary>Share of the training rows held out for the validation curve and early stopping.</summary>
    internal const double ValidationFraction = 0.1;
    /// <summary>Training rows the k-NN accuracy votes with (all of them would cost minutes on a large set).</summary>
    internal const int MaxReferenceRows = 10_000;
    /// <summary>Test rows on the UMAP map.</summary>
    internal const int MaxMapRows = 5_000;
    /// <summary>Training embeddings the consumption program searches.</summary>
    internal const int GalleryRows = 2_000;
    internal const int GalleryNeighbours = 10;

    public int EmbeddingSize => embeddingSize;

    public void Run(RunContext run)
    {
        var ml = run.Ml;
        var console = run.Console;
        var data = run.Timings.Measure("loading the images", () => EmbeddingData.Load(run, dataset, imageSize));
        console.Line($"Data: {data.Source}: {data.ClassNames.Count} classes, images {data.Shape} ({data.Layout})");
        run.Output.Create();

        // Validation batches need positive pairs: a tenth of the training rows only when that leaves every class two.
        int smallestClass = data.Train.GetColumn<uint>(EmbeddingData.KeyColumn).GroupBy(k => k).Min(g => g.Count());
        bool validate = smallestClass * ValidationFraction >= 2;
        var options = new TripletEmbeddingOptions
        {
            FeatureColumnName = EmbeddingData.FeaturesColumn, LabelColumnName = EmbeddingData.KeyColumn, ImageShape = data.Shape,
            EmbeddingSize = embeddingSize, ValidationFraction = validate ? ValidationFraction : 0,
            EarlyStoppingPatience = validate ? Patience : 0, LearningRateSchedule = LearningRateSchedule.Cosine,
        };
        var network = run.Timings.Measure("training the triplet network", () => BudgetedTraining.Fit(run,
            "Triplet network (semi-hard mining)", options, o => ml.Transforms.TripletEmbedding(o).Fit(data.Train), MaxEpochs, measureFirstEpoch: true));

        var test = ml.Data.Cache(network.Model.Transform(data.Test));
        var referencePixels = ml.Data.TakeRows(data.Train, MaxReferenceRows);
        var reference = ml.Data.Cache(network.Model.Transform(referencePixels));
        var metrics = run.Timings.Measure("retrieval metrics of the embeddings", () =>
            ml.Embeddings().Evaluate(test, "Embedding", EmbeddingData.KeyColumn, reference));
        var pixels = run.Timings.Measure("the same metrics on raw pixels", () =>
            ml.Embeddings().Evaluate(data.Test, EmbeddingData.FeaturesColumn, EmbeddingData.KeyColumn, referencePixels));
        console.Line($"Test embeddings: {metrics}");
        console.Line($"Raw pixels:      {pixels}");

        var vectors = test.GetColumn<float[]>("Embedding").ToArray();
        var keys = test.GetColumn<uint>(EmbeddingData.KeyColumn).ToArray();
        string map = run.Output.Plot("umap");
        var (mapRows, mapNeighbours) = run.Timings.Measure("UMAP map of the test embeddings", () => Map(run, test, keys, data.ClassNames, map));
        var examples = NeighbourGallery.Find(vectors, keys, queries: 8, neighbours: 6);
        var thumbnails = ThumbnailSource(data);

        string usage = run.Timings.Measure("saving the model (zip and ONNX), the gallery and the consumption project", () =>
            Save(run, data, network.Model, reference, thumbnails));

        var report = new EmbeddingsReport(run, this, data, network, metrics, pixels, map, mapRows, mapNeighbours,
            examples.Select(e => (IReadOnlyList<Thumbnail>)[.. new[] { e.Query }.Concat(e.Neighbours).Select((row, i) => thumbnails(row,
                i == 0 ? $"query: {data.ClassNames[(int)keys[row] - 1]}" : $"{i}. {data.ClassNames[(int)keys[row] - 1]}",
                i == 0 ? "query" : keys[row] == keys[e.Query] ? "right" : "wrong"))]).ToList());
        run.Timings.Measure("writing the report", () => report.Write(usage));
        console.Line(EmbeddingsReport.Sentence(metrics, pixels));
        console.Line($"Wrote {run.Output.ModelPath}, {run.Output.OnnxPath} (+ .json), {run.Output.MetricsPath}, {run.Output.ReportPath} and {run.Output.ConsumptionDirectory}/");
        network.Model.Dispose();
    }

    /// <summary>UMAP of (up to <see cref="MaxMapRows"/>) test embeddings, coloured by class; returns the rows drawn and
    /// the neighbours UMAP used.</summary>
    private static (int Rows, int Neighbours) Map(RunContext run, IDataView test, uint[] keys, IReadOnlyList<string> classNames, string png)
    {
        var ml = run.Ml;
        var rows = ml.Data.TakeRows(test, MaxMapRows);
        // umap-learn's 15 neighbours, fewer on a test set too small for them.
        int neighbours = Math.Min(15, Math.Min(keys.Length, MaxMapRows) - 1);
        var projected = ml.Transforms.ProjectToUmap("Umap", "Embedding", new UmapOptions { NeighborCount = neighbours })
            .Fit(rows).Transform(rows);
        var points = projected.GetColumn<float[]>("Umap").SelectMany(p => p).ToArray();
        var labels = keys.Take(points.Length / 2).Select(k => classNames[(int)k - 1]).ToList();
        ScatterPlots.SaveScatter(points, labels, png, $"UMAP of {labels.Count:N0} test embeddings");
        return (labels.Count, neighbours);
    }

    /// <summary>Thumbnails of test rows: from the pixels for IDX data, from the files otherwise.</summary>
    private static Func<int, string, string, Thumbnail> ThumbnailSource(EmbeddingData data)
    {
        if (data.FromIdx)
        {
            var pixels = data.Test.GetColumn<float[]>(EmbeddingData.FeaturesColumn).ToArray();
            return (row, caption, kind) => Thumbnails.FromPixels(pixels[row], data.Shape, caption, kind);
        }
        var paths = data.Test.GetColumn<string>("ImagePath").ToArray();
        return (row, caption, kind) => Thumbnails.FromFile(paths[row], caption, kind)
            ?? new Thumbnail([], "image/png", caption + " (unreadable)", kind);
    }

    /// <summary>model.zip (image path in, embedding out), the gallery the consumption program searches, sample images
    /// for IDX data, and Consumption/. Returns the consumption program's usage line.</summary>
    private string Save(RunContext run, EmbeddingData data, TripletEmbeddingTransformer network, IDataView reference,
        Func<int, string, string, Thumbnail> thumbnails)
    {
        var ml = run.Ml;
        string example;
        IDataView paths;
        if (data.FromIdx)
        {
            // IDX data has no image files: one PNG per class from the test set, to try the model on.
            string samples = Path.Combine(run.Output.Directory, "samples");
            Directory.CreateDirectory(samples);
            var keys = data.Test.GetColumn<uint>(EmbeddingData.KeyColumn).ToArray();
            var files = keys.Select((k, row) => (k, row)).GroupBy(p => p.k).OrderBy(g => g.Key).Select(g =>
            {
                string file = Path.Combine(samples, $"{g.Key - 1:D2}-{Safe(data.ClassNames[(int)g.Key - 1])}.png");
                File.WriteAllBytes(file, thumbnails(g.First().row, "", "").Data);
                return file;
            }).ToList();
            example = files[0];
            paths = ml.Data.LoadFromEnumerable(files.Select(f => new ImageFile { ImagePath = f }));
        }
        else
        {
            example = data.Test.GetColumn<string>("ImagePath").First();
            paths = ml.Data.LoadFromEnumerable(new[] { new ImageFile { ImagePath = example } });
        }
        var model = data.ImageLoading.Fit(paths).Append(network);
        ml.Model.Save(model, paths.Schema, run.Output.ModelPath);
        run.Onnx = Export.OnnxOutput.Write(run, model, paths);

        var galleryRows = ml.Data.TakeRows(reference, GalleryRows);
        var gallery = galleryRows.GetColumn<float[]>("Embedding").Zip(galleryRows.GetColumn<uint>(EmbeddingData.KeyColumn),
            (e, k) => new GalleryRow { Embedding = e, Label = data.ClassNames[(int)k - 1] }).ToList();
        var definition = SchemaDefinition.Create(typeof(GalleryRow));
        definition["Embedding"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, embeddingSize);
        ml.Embeddings().ExportForProjector(ml.Data.LoadFromEnumerable(gallery, definition), Path.Combine(run.Output.Directory, "gallery"));

        string usage = TabularConsumption.ShellQuote(ShownPath.From(run.Output.ConsumptionDirectory, example));
        ConsumptionProject.Write(run.Output, new Dictionary<string, string>
        {
            ["Scenario"] = "embeddings",
            ["Dataset"] = Path.GetFileName(data.Source),
            ["Usage"] = usage,
            ["GalleryRows"] = gallery.Count.ToString("N0", CultureInfo.InvariantCulture),
            ["Neighbors"] = GalleryNeighbours.ToString(CultureInfo.InvariantCulture),
        }, "EmbeddingsProgram.txt", ["model.zip", "gallery/*"]);
        return usage;
    }

    private static string Safe(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());

    private sealed class ImageFile
    {
        public string ImagePath { get; set; } = "";
    }

    private sealed class GalleryRow
    {
        public float[] Embedding { get; set; } = [];
        public string Label { get; set; } = "";
    }
}
