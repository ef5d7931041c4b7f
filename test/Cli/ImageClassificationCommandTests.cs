using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MlNetTriplet.Cli.Tests;

/// <summary>image-classification end to end on six Caltech 101 classes: 6 training and 2 validation photos of each.</summary>
[TestClass]
public sealed class ImageClassificationCommandTests
{
    private static string _folder = "", _dataset = "", _output = "";
    private static ProcessResult _run = null!;

    [ClassInitialize]
    public static void Train(TestContext context)
    {
        _folder = CliData.TempDirectory();
        _dataset = CliData.Caltech101Subset(_folder, train: 6, validation: 2);
        _output = Path.Combine(_folder, "out");
        _run = CliProcess.Run("image-classification", "--dataset", _dataset, "--epochs", "30", "-o", _output);
    }

    [ClassCleanup]
    public static void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [TestMethod]
    public void Caltech101_FrozenResNet_ClassifiesMostValidationPhotos()
    {
        Assert.AreEqual(0, _run.ExitCode, _run.ToString());
        var metrics = Json.Metrics(_output);
        Assert.AreEqual("frozenBackbone", metrics.At("mode").GetString());
        // ImageNet features separate the six classes with 6 training photos of each: 9 to 12 of the 12 validation
        // photos right with seeds 0-2 (chance is 2).
        Assert.IsGreaterThan(0.6, metrics.At("validation.accuracy").GetDouble(), "validation accuracy");
        Assert.AreEqual(12, metrics.At("classes").EnumerateArray().Sum(c => c.GetProperty("validationImages").GetInt32()));
    }

    [TestMethod]
    public void Caltech101_Consumption_BuildsAndClassifiesAPhoto()
    {
        string photo = Directory.GetFiles(Path.Combine(_dataset, "val", "sunflower")).Order(StringComparer.Ordinal).First();
        var run = ConsumptionRun.BuildAndRun(_output, photo);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        // The predicted class, then every class with its probability.
        const string Class = "(ant|butterfly|dragonfly|pizza|starfish|sunflower)";
        StringAssert.Matches(run.Output, new System.Text.RegularExpressions.Regex($@": {Class}\n(  {Class} +\d+\.\d%\n){{6}}"));

        var missing = ConsumptionRun.Run(_output, Path.Combine(_folder, "no-such-photo.jpg"));
        Assert.AreEqual(2, missing.ExitCode, missing.ToString());
    }

    [TestMethod]
    public void Caltech101_Report_RendersEverySectionAndTheCamGallery() =>
        ReportBrowser.AssertRenders(Path.Combine(_output, "report.html"),
            ["summary", "dataset", "settings", "learning-curves", "metrics", "misclassified", "cam", "consumption", "onnx", "timings"],
            minImages: 3, sectionsWithImages: ["learning-curves", "metrics", "cam"]);

    [TestMethod]
    public void Caltech101_Onnx_NetworkAloneOnPreparedPhotosWithWhyAndHow()
    {
        var manifest = OnnxOutputs.Manifest(_output);
        Assert.AreEqual("the network alone, on its prepared input", manifest.GetProperty("holds").GetString());
        StringAssert.Contains(manifest.GetProperty("whyNetworkOnly").GetString(), "decodes, resizes and crops them itself");
        var input = OnnxOutputs.Tensors(manifest, "inputs").Single();
        CollectionAssert.AreEqual(new long[] { -1, 3, 224, 224 }, input.Shape);
        StringAssert.Contains(manifest.GetProperty("preprocessing").GetString(), "Resize(256)");
        CollectionAssert.AreEqual(new[] { "ant", "butterfly", "dragonfly", "pizza", "starfish", "sunflower" }, manifest.GetProperty("classNames").EnumerateArray().Select(c => c.GetString()).ToArray());
        var score = OnnxOutputs.RunFloats(Path.Combine(_output, "model.onnx"),
            [NamedOnnxValue.CreateFromTensor(input.Name, new DenseTensor<float>(new float[3 * 224 * 224], [1, 3, 224, 224]))])["Score"];
        Assert.AreEqual(1.0, score.Sum(), 1e-5, "class probabilities");
    }

    [TestMethod]
    public void Caltech101_CamGallery_DrawsEveryRightAndWrongPrediction()
    {
        var metrics = Json.Metrics(_output);
        int wrong = metrics.At("validation.misclassified").GetInt32();
        // Up to 12 photos per gallery: all 12 validation photos are drawn, right and wrong apart.
        string correct = Path.Combine(_output, "plots", "cam-correct.png");
        Assert.IsTrue(File.Exists(correct), "right predictions gallery");
        Assert.AreEqual(wrong > 0, File.Exists(Path.Combine(_output, "plots", "cam-wrong.png")), "wrong predictions gallery");
        string html = File.ReadAllText(Path.Combine(_output, "report.html"));
        StringAssert.Contains(html, $"{12 - wrong} validation photos the model classified correctly");
        if (wrong > 0)
            StringAssert.Contains(html, $"The {wrong} mistake");
    }
}
