using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MlNetTriplet.Cli.Tests;

/// <summary>embeddings end to end: 600 Fashion-MNIST training and test images from the IDX files, and a folder of PNG
/// files by class.</summary>
[TestClass]
public sealed class EmbeddingsCommandTests
{
    private static string _folder = "", _idx = "", _pngFolder = "";
    private static ProcessResult _idxRun = null!, _folderRun = null!;

    [ClassInitialize]
    public static void Train(TestContext context)
    {
        _folder = CliData.TempDirectory();
        _idx = Path.Combine(_folder, "idx");
        _idxRun = CliProcess.Run("embeddings", "--dataset", CliData.FashionMnist, "--max-rows", "600", "--epochs", "2", "-o", _idx);
        _pngFolder = Path.Combine(_folder, "png");
        _folderRun = CliProcess.Run("embeddings", "--dataset", CliData.FashionFolder(_folder, classes: 4, perClass: 15),
            "--epochs", "1", "--embedding-size", "16", "-o", _pngFolder);
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
        Assert.IsGreaterThan(metrics.At("rawPixels.mapAtR").GetDouble(), metrics.At("embedding.mapAtR").GetDouble(), "MAP@R");
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

        // The sample is the first test image of class 0; the network alone (the chain's last step) embeds its pixels.
        var test = ml.Data.LoadFromIdx(Path.Combine(CliData.FashionMnist, "t10k-images-idx3-ubyte.gz"),
            Path.Combine(CliData.FashionMnist, "t10k-labels-idx1-ubyte.gz"), 600);
        int row = test.GetColumn<uint>("Label").ToList().IndexOf(0);
        var fromIdx = model.LastTransformer.Transform(test).GetColumn<float[]>("Embedding").ElementAt(row);
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
        var expected = model.LastTransformer.Transform(test).GetColumn<float[]>("Embedding").SelectMany(e => e).ToArray();
        var pixels = test.GetColumn<float[]>("Features").SelectMany(p => p).ToArray();
        var actual = OnnxOutputs.RunFloats(Path.Combine(_idx, "model.onnx"),
            [NamedOnnxValue.CreateFromTensor(input.Name, new DenseTensor<float>(pixels, [20, 1, 28, 28]))])["Embedding"];
        double max = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        Assert.IsLessThanOrEqualTo(1e-4, max, $"max |ONNX Runtime - model.zip| embedding value: {max}");
    }

    [TestMethod]
    public void Folder_PngFilesByClass_TrainsAndSavesAModelThatTakesImagePaths()
    {
        Assert.AreEqual(0, _folderRun.ExitCode, _folderRun.ToString());
        var metrics = Json.Metrics(_pngFolder);
        Assert.AreEqual("1x28x28", metrics.At("imageShape").GetString(), "grey images keep their size");
        Assert.AreEqual(4, metrics.At("classes").GetArrayLength());
        var ml = new MLContext();
        var model = ml.Model.Load(Path.Combine(_pngFolder, "model.zip"), out _);
        string image = Directory.GetFiles(Path.Combine(_folder, "fashion-folder", "class1")).First();
        var embedding = model.Transform(ml.Data.LoadFromEnumerable(new[] { new ImageFile { ImagePath = image } }))
            .GetColumn<float[]>("Embedding").Single();
        Assert.HasCount(16, embedding);
    }

    private sealed class ImageFile
    {
        public string ImagePath { get; set; } = "";
    }
}
