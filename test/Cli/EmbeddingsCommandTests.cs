using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MlNetTriplet.Cli.Tests;

/// <summary>embeddings end to end: 600 Fashion-MNIST training and test images from the IDX files, a folder of small PNG
/// files by class (--network cnn), and the repository's Caltech 101 photos (the ResNet-18 path, the photo recipe) with
/// three classes held out of training.</summary>
[TestClass]
public sealed class EmbeddingsCommandTests
{
    private static readonly string[] HeldOutCaltechClasses = ["pizza", "starfish", "sunflower"];
    private static string _folder = "", _idx = "", _pngFolder = "", _photos = "";
    private static ProcessResult _idxRun = null!, _folderRun = null!, _photoRun = null!;

    [ClassInitialize]
    public static void Train(TestContext context)
    {
        _folder = CliData.TempDirectory();
        _idx = Path.Combine(_folder, "idx");
        _idxRun = CliProcess.Run("embeddings", "--dataset", CliData.FashionMnist, "--max-rows", "600", "--epochs", "2", "-o", _idx);
        _pngFolder = Path.Combine(_folder, "png");
        _folderRun = CliProcess.Run("embeddings", "--dataset", CliData.FashionFolder(_folder, classes: 4, perClass: 15),
            "--network", "cnn", "--epochs", "1", "--embedding-size", "16", "-o", _pngFolder);
        _photos = Path.Combine(_folder, "photos");
        _photoRun = CliProcess.Run("embeddings", "--dataset", CliData.Caltech101, "--holdout-classes", "3", "--epochs", "5", "-o", _photos);
    }

    [ClassCleanup]
    public static void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [TestMethod]
    public void Idx_FashionMnist_EmbeddingRanksClassesBetterThanRawPixels()
    {
        Assert.AreEqual(0, _idxRun.ExitCode, _idxRun.ToString());
        var metrics = Json.Metrics(_idx);
        Assert.AreEqual(600, metrics.At("embedding.rows").GetInt32());
        Assert.AreEqual("1x28x28", metrics.At("imageShape").GetString());
        Assert.AreEqual("cnn", metrics.At("network").GetString());
        Assert.AreEqual("raw pixels", metrics.At("baseline.name").GetString());
        Assert.IsFalse(metrics.At("baseline").TryGetProperty("cosine", out _), "pixels have one baseline");
        Assert.IsGreaterThan(metrics.At("baseline.metrics.mapAtR").GetDouble(), metrics.At("embedding.mapAtR").GetDouble(), "MAP@R");
        Assert.IsTrue(File.Exists(Path.Combine(_idx, "plots", "umap.png")), "UMAP map");
        Assert.HasCount(10, Directory.GetFiles(Path.Combine(_idx, "samples"), "*.png"));
    }

    [TestMethod]
    public void Idx_SampleImage_EmbedsThroughTheSavedModelAsItsIdxRowDoes()
    {
        var ml = new MLContext();
        var model = (TransformerChain<ITransformer>)ml.Model.Load(Path.Combine(_idx, "model.zip"), out _);
        string sample = Directory.GetFiles(Path.Combine(_idx, "samples")).Order(StringComparer.Ordinal).First();   // 00-T-shirt-top.png
        var fromFile = model.Transform(ml.Data.LoadFromEnumerable(new[] { new ImageFile { ImagePath = sample } }))
            .GetColumn<float[]>("Embedding").Single();

        // The sample is the first test image of class 0; the network alone (a step of the chain) embeds its pixels.
        var test = ml.Data.LoadFromIdx(Path.Combine(CliData.FashionMnist, "t10k-images-idx3-ubyte.gz"),
            Path.Combine(CliData.FashionMnist, "t10k-labels-idx1-ubyte.gz"), 600);
        int row = test.GetColumn<uint>("Label").ToList().IndexOf(0);
        var fromIdx = model.OfType<TripletEmbeddingTransformer>().Single().Transform(test).GetColumn<float[]>("Embedding").ElementAt(row);
        for (int i = 0; i < fromIdx.Length; i++)
            Assert.AreEqual(fromIdx[i], fromFile[i], 1e-5f, $"embedding value {i}");
    }

    [TestMethod]
    public void Idx_Consumption_BuildsAndFindsTheSamplesNeighbours()
    {
        string sample = Directory.GetFiles(Path.Combine(_idx, "samples")).Order(StringComparer.Ordinal).Last();   // 09-Ankle-boot.png
        var run = ConsumptionRun.BuildAndRun(_idx, sample);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Output, "(vote of the 10 nearest training images)");
        StringAssert.Matches(run.Output, new System.Text.RegularExpressions.Regex(@"embedding: 64 values"));
    }

    [TestMethod]
    public void Idx_Report_RendersTheMapAndTheNeighbourGallery() =>
        ReportBrowser.AssertRenders(Path.Combine(_idx, "report.html"),
            ["summary", "dataset", "settings", "learning-curves", "umap", "neighbours", "consumption", "onnx", "timings"], minImages: 2 + 8 * 7);

    [TestMethod]
    public void Idx_Onnx_NetworkAloneEmbedsTheIdxPixelsAsTheModelDoes()
    {
        var manifest = OnnxOutputs.Manifest(_idx);
        StringAssert.Contains(manifest.GetProperty("whyNetworkOnly").GetString(), "ImagePixelExtractingTransformer");
        var input = OnnxOutputs.Tensors(manifest, "inputs").Single();
        CollectionAssert.AreEqual(new long[] { -1, 1, 28, 28 }, input.Shape);

        var ml = new MLContext();
        var model = (TransformerChain<ITransformer>)ml.Model.Load(Path.Combine(_idx, "model.zip"), out _);
        var test = ml.Data.LoadFromIdx(Path.Combine(CliData.FashionMnist, "t10k-images-idx3-ubyte.gz"),
            Path.Combine(CliData.FashionMnist, "t10k-labels-idx1-ubyte.gz"), 20);
        var expected = model.OfType<TripletEmbeddingTransformer>().Single().Transform(test).GetColumn<float[]>("Embedding").SelectMany(e => e).ToArray();
        var pixels = test.GetColumn<float[]>("Features").SelectMany(p => p).ToArray();
        var actual = OnnxOutputs.RunFloats(Path.Combine(_idx, "model.onnx"),
            [NamedOnnxValue.CreateFromTensor(input.Name, new DenseTensor<float>(pixels, [20, 1, 28, 28]))])["Embedding"];
        double max = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        Assert.IsLessThanOrEqualTo(1e-4, max, $"max |ONNX Runtime - model.zip| embedding value: {max}");
    }

    [TestMethod]
    public void Folder_SmallPngFilesWithNetworkCnn_TrainsTheCnnAndSavesAModelThatTakesImagePaths()
    {
        Assert.AreEqual(0, _folderRun.ExitCode, _folderRun.ToString());
        var metrics = Json.Metrics(_pngFolder);
        Assert.AreEqual("cnn", metrics.At("network").GetString());
        Assert.AreEqual("1x28x28", metrics.At("imageShape").GetString(), "grey images keep their size");
        Assert.AreEqual(4, metrics.At("classes").GetArrayLength());
        var ml = new MLContext();
        var model = ml.Model.Load(Path.Combine(_pngFolder, "model.zip"), out _);
        string image = Directory.GetFiles(Path.Combine(_folder, "fashion-folder", "class1")).First();
        var embedding = model.Transform(ml.Data.LoadFromEnumerable(new[] { new ImageFile { ImagePath = image } }))
            .GetColumn<float[]>("Embedding").Single();
        Assert.HasCount(16, embedding);
    }

    [TestMethod]
    public void Photos_HoldoutClasses_TrainOnTheOthersAndMeasureTheHeldOutPhotosAgainstTheResNetFeatures()
    {
        Assert.AreEqual(0, _photoRun.ExitCode, _photoRun.ToString());
        var metrics = Json.Metrics(_photos);
        Assert.AreEqual("resnet18", metrics.At("network").GetString(), "a class folder of photos takes the pretrained path");
        Assert.AreEqual("3x224x224", metrics.At("imageShape").GetString());
        CollectionAssert.AreEqual(HeldOutCaltechClasses, metrics.At("heldOutClasses").EnumerateArray().Select(c => c.GetString()).ToArray());
        foreach (var c in metrics.At("classes").EnumerateArray())
        {
            bool heldOut = HeldOutCaltechClasses.Contains(c.GetProperty("name").GetString());
            Assert.AreEqual(heldOut ? 0 : 20, c.GetProperty("trainImages").GetInt32(), "held-out classes are never trained on");
            Assert.AreEqual(heldOut ? 10 : 0, c.GetProperty("testImages").GetInt32(), "retrieval among the held-out classes' photos only");
        }
        Assert.AreEqual(30, metrics.At("embedding.rows").GetInt32());
        Assert.AreEqual(30, metrics.At("baseline.metrics.rows").GetInt32());
        Assert.AreEqual("ResNet-18 features", metrics.At("baseline.name").GetString());
        Assert.AreEqual(30, metrics.At("baseline.cosine.rows").GetInt32(), "the same features by cosine distance, beside");
        Assert.AreEqual(30, metrics.At("gallery.rows").GetInt32(), "the held-out photos are the search's gallery");
        // Three classes of ten photos: chance P@1 is 9/29. Held-out classes take the photo recipe (the last block
        // fine-tuned, the backbone's own 512 features beside its untrained ones embedding). Measured (seed 0, 5 epochs,
        // the fine-tuned features alone): P@1 1.000, MAP@R 0.984;
        // ResNet-18 features P@1 1.000, MAP@R 0.861, by cosine distance 1.000, 0.984 (the frozen head trained on three
        // classes ranked them worse: 0.719).
        Assert.AreEqual(1024, metrics.At("embeddingSize").GetInt32(), "the fine-tuned and the untrained ResNet-18's pooled features embed");
        Assert.IsGreaterThan(0.6, metrics.At("embedding.precisionAt1").GetDouble(), _photoRun.Output);
        Assert.IsGreaterThan(0.6, metrics.At("baseline.metrics.precisionAt1").GetDouble(), _photoRun.Output);
        Assert.IsGreaterThan(metrics.At("baseline.metrics.mapAtR").GetDouble(), metrics.At("embedding.mapAtR").GetDouble(),
            "held-out classes rank better than on the untrained features: " + _photoRun.Output);

        var model = (TransformerChain<ITransformer>)new MLContext().Model.Load(Path.Combine(_photos, "model.zip"), out _);
        Assert.AreEqual(BackboneArchitecture.ResNet18Cntk, model.OfType<TripletEmbeddingTransformer>().Single().BackboneArchitecture);
        Assert.AreEqual(10, model.OfType<NearestNeighborsTransformer>().Single().NeighborCount);
    }

    [TestMethod]
    public void Photos_Report_ShowsEachHeldOutQueryWithItsNearestPhotosAndTheMap()
    {
        string html = File.ReadAllText(Path.Combine(_photos, "report.html"));
        StringAssert.Contains(html, "held-out classes");
        foreach (string name in HeldOutCaltechClasses)
            StringAssert.Contains(html, $"query: {name}");
        // Learning curves and the UMAP map, then each query and its 6 neighbours.
        ReportBrowser.AssertRenders(Path.Combine(_photos, "report.html"),
            ["summary", "dataset", "settings", "learning-curves", "umap", "neighbours", "consumption", "timings"], minImages: 2 + 3 * 7,
            sectionsWithImages: ["umap", "neighbours"]);
    }

    [TestMethod]
    public void Photos_Consumption_PrintsTheNearestGalleryPhotosWithTheirClassesAndDistances()
    {
        string photo = Directory.GetFiles(Path.Combine(CliData.Caltech101, "val", "starfish")).Order(StringComparer.Ordinal).First();
        var run = ConsumptionRun.BuildAndRun(_photos, photo);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        StringAssert.Contains(lines[0], ": starfish (vote of the 10 nearest test images of the held-out classes)");
        var neighbours = lines.Where(l => l.Contains(" distance ", StringComparison.Ordinal)).ToList();
        Assert.HasCount(10, neighbours, run.Output);
        // The photo is in the gallery: it comes first, at distance 0 (up to rounding); every neighbour is a held-out
        // class's photo.
        StringAssert.Contains(neighbours[0], photo);
        double first = double.Parse(Regex.Match(neighbours[0], @"distance (\d+\.\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.IsLessThan(0.01, first, neighbours[0]);
        Assert.IsTrue(neighbours.All(l => HeldOutCaltechClasses.Any(c => l.Contains($" {c} ", StringComparison.Ordinal))), run.Output);
    }

    private sealed class ImageFile
    {
        public string ImagePath { get; set; } = "";
    }
}
