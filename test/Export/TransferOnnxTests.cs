using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Tests.TransferLearning;
using TorchSharp;
using TorchSharp.PyBridge;
using static MlNetTriplet.Tests.Export.OnnxRuntimeRun;

namespace MlNetTriplet.Tests.Export;

/// <summary>Transfer-learning classifiers on real photos: the CNTK ResNet-18 of the featurizer package, and a
/// torchvision ResNet-18 loaded from a state_dict file. The transformer decodes photo files itself, which no ONNX
/// graph can: the pipeline says so, and the network alone is exported on prepared pixel tensors, which ONNX Runtime
/// scores as the transformer does.</summary>
[TestClass]
public sealed class TransferOnnxTests
{
    private const int Side = 224, Values = 3 * Side * Side;

    private static MLContext _ml = null!;
    private static IDataView _train = null!, _photos = null!, _prepared = null!;
    private static TransferLearningTransformer _cntk = null!;
    private static string _dir = "";

    [ClassInitialize]
    public static void Train(TestContext _)
    {
        _ml = new MLContext(seed: 1);
        _dir = TestData.TempDirectory();
        var train = CaltechPhotos.Load(_ml, "train", every: 6);
        var keys = CaltechPhotos.Keys(_ml, train);
        _train = keys.Transform(train);
        var photos = CaltechPhotos.List(_ml, "val", every: 5);
        _photos = keys.Transform(_ml.Data.LoadFromEnumerable(photos));
        _prepared = keys.Transform(_ml.Data.LoadFromEnumerable(CaltechPhotos.Prepare(photos)));
        _cntk = _ml.MulticlassClassification.Trainers.TransferLearning(new TransferLearningTrainer.Options
        {
            NumberOfEpochs = 3, FeaturesColumnName = "Pooled", BatchSize = 8, Seed = 7,
        }).Fit(_train);
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        _cntk.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [TestMethod]
    public void ConvertToOnnx_TransferModelReadingPhotoFiles_SaysItCannotAndWhatToExportInstead()
    {
        var e = Assert.ThrowsExactly<NotSupportedException>(() => OnnxFiles.Convert(_ml, _cntk, _photos));
        StringAssert.Contains(e.Message, "TransferLearning cannot be converted to ONNX");
        StringAssert.Contains(e.Message, "'ImagePath'");
        StringAssert.Contains(e.Message, "ExportNetworkToOnnx");
        StringAssert.Contains(e.Message, "float32 [N, 3, 224, 224]");
        Assert.ThrowsExactly<NotSupportedException>(() => OnnxFiles.Export(_ml, _cntk, _photos));
    }

    [TestMethod]
    public void ExportNetworkToOnnx_CntkResNet18_ScoresPreparedPhotosAsTheTransformerScoresTheFiles()
    {
        var fromFiles = _cntk.Transform(_photos);
        var fromPixels = _cntk.Transform(_prepared);
        var scores = OnnxFiles.Flat(fromFiles.GetColumn<float[]>("Score"));
        CollectionAssert.AreEqual(scores, OnnxFiles.Flat(fromPixels.GetColumn<float[]>("Score")),
            "the documented preparation is the transformer's own");

        var (model, info) = OnnxFiles.ExportNetwork(_ml, _cntk);
        var input = info.Inputs.Single();
        Assert.AreEqual("ImagePath", input.Name);
        CollectionAssert.AreEqual(new long[] { -1, 3, Side, Side }, input.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { "Score", "PredictedLabel", "Pooled" }, info.Outputs.Select(o => o.Name).ToArray());
        CollectionAssert.AreEqual(CaltechPhotos.Classes, info.ClassNames!.ToArray());
        StringAssert.Contains(info.Preprocessing, "Resize(256)");
        StringAssert.Contains(info.Preprocessing, "CNTK's 224 x 224 mean image");

        int rows = (int)_prepared.GetRowCount()!.Value;
        var outputs = Run(model, [Floats("ImagePath", OnnxFiles.Flat(_prepared.GetColumn<float[]>("ImagePath")), rows, 3, Side, Side)]);
        Differences.AssertWithin(scores, (float[])outputs["Score"], 1e-4, "transfer (CNTK ResNet-18) Score");
        CollectionAssert.AreEqual(fromFiles.GetColumn<uint>("PredictedLabel").ToArray(), (uint[])outputs["PredictedLabel"]);
        Differences.AssertWithin(OnnxFiles.Flat(fromFiles.GetColumn<float[]>("Pooled")), (float[])outputs["Pooled"], 1e-4,
            "transfer (CNTK ResNet-18) pooled features");
        OnnxChecker.AssertValid(model);
    }

    [TestMethod]
    public void ExportToOnnx_TransferPipelineOnPreparedPixelColumn_ConvertsWhole()
    {
        var (model, info) = OnnxFiles.Export(_ml, _cntk, _prepared, new OnnxExportOptions { OutputColumns = ["Score", "PredictedLabel"] });
        CollectionAssert.AreEqual(new long[] { -1, Values }, info.Inputs.Single().Shape.ToArray());
        int rows = (int)_prepared.GetRowCount()!.Value;
        var outputs = Run(model, [Floats("ImagePath", OnnxFiles.Flat(_prepared.GetColumn<float[]>("ImagePath")), rows, Values)]);
        Differences.AssertWithin(OnnxFiles.Flat(_cntk.Transform(_prepared).GetColumn<float[]>("Score")), (float[])outputs["Score"], 1e-4,
            "transfer (CNTK ResNet-18) Score, whole pipeline");
        Assert.IsFalse(outputs.ContainsKey("Pooled"), "only the output columns asked for");
        OnnxChecker.AssertValid(model);
    }

    [TestMethod]
    public void ExportNetworkToOnnx_TorchVisionResNet18FromAStateDict_Agrees()
    {
        string weights = Path.Combine(_dir, "resnet18.safetensors");
        torch.manual_seed(5);
        using (var resnet18 = torchvision.models.resnet18())
            resnet18.save_safetensors(weights);
        using var model = _ml.MulticlassClassification.Trainers.TransferLearning(new TransferLearningTrainer.Options
        {
            Backbone = PretrainedBackbone.FromFile(BackboneArchitecture.ResNet18, weights), NumberOfEpochs = 1, BatchSize = 8,
            Seed = 7, FeaturesColumnName = "Pooled",
        }).Fit(_train);
        var (onnx, info) = OnnxFiles.ExportNetwork(_ml, model);
        StringAssert.Contains(info.Preprocessing, "ImageNet mean");
        int rows = (int)_prepared.GetRowCount()!.Value;
        var outputs = Run(onnx, [Floats("ImagePath", OnnxFiles.Flat(_prepared.GetColumn<float[]>("ImagePath")), rows, 3, Side, Side)]);
        var expected = model.Transform(_photos);
        var pooled = OnnxFiles.Flat(expected.GetColumn<float[]>("Pooled"));
        Assert.IsGreaterThan(1e-2, Spread(pooled, rows), "features that differ from photo to photo");
        Differences.AssertWithin(pooled, (float[])outputs["Pooled"], 1e-4, "transfer (torchvision ResNet-18) pooled features");
        Differences.AssertWithin(OnnxFiles.Flat(expected.GetColumn<float[]>("Score")), (float[])outputs["Score"], 1e-4,
            "transfer (torchvision ResNet-18) Score");
        CollectionAssert.AreEqual(expected.GetColumn<uint>("PredictedLabel").ToArray(), (uint[])outputs["PredictedLabel"]);
        OnnxChecker.AssertValid(onnx);
    }

    /// <summary>The largest difference between two photos' values of one feature.</summary>
    private static double Spread(float[] rows, int count)
    {
        int width = rows.Length / count;
        return Enumerable.Range(0, width).Max(f =>
        {
            var column = Enumerable.Range(0, count).Select(r => rows[r * width + f]).ToList();
            return column.Max() - column.Min();
        });
    }
}
