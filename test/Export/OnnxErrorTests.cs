using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Tests.Classification;
using MlNetTriplet.Tests.Embeddings;
using static MlNetTriplet.Tests.Export.OnnxRuntimeRun;

namespace MlNetTriplet.Tests.Export;

/// <summary>What ONNX cannot hold fails with the step named and what can be exported instead, before any file is
/// written; never again a graph that takes the network's output columns as its inputs.</summary>
[TestClass]
public sealed class OnnxErrorTests
{
    private sealed class Photo
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }

    private static string _dir = "";
    private static IDataView _photos = null!;

    [ClassInitialize]
    public static void WritePhotos(TestContext _)
    {
        _dir = TestData.TempDirectory();
        var ml = new MLContext(seed: 1);
        _photos = ml.Data.LoadFromEnumerable(FashionPhotos.Write(TestData.FashionTrain(ml, 120), _dir, "photo")
            .Select(p => new Photo { ImagePath = p.Path, Label = p.Label }).ToList());
    }

    [ClassCleanup]
    public static void DeletePhotos() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    public void ConvertToOnnx_CnnAfterLoadImagesResizeAndExtractPixels_NamesTheStepAndOffersTheNetworkAlone()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.LoadImages("Image", imageFolder: "", inputColumnName: "ImagePath"))
            .Append(ml.Transforms.ResizeImages("Image", 16, 16))
            .Append(ml.Transforms.ExtractPixels("Features", "Image", interleavePixelColors: false, scaleImage: 1f / 255))
            .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnClassifierTrainer.Options
            {
                NumberOfEpochs = 1, ImageShape = new ImageShape(3, 16, 16),
            }))
            .Fit(_photos);

        var e = Assert.ThrowsExactly<NotSupportedException>(() => OnnxFiles.Convert(ml, model, _photos));
        StringAssert.Contains(e.Message, "CnnClassifier cannot be converted to ONNX");
        StringAssert.Contains(e.Message, "'Features', which the step ImagePixelExtractingTransformer makes");
        StringAssert.Contains(e.Message, "ExportNetworkToOnnx");
        StringAssert.Contains(e.Message, "float32 [N, 3, 16, 16]");

        // What it offers works: the network on the pixels ExtractPixels gives.
        var (onnx, info) = OnnxFiles.ExportNetwork(ml, model);
        CollectionAssert.AreEqual(new long[] { -1, 3, 16, 16 }, info.Inputs.Single().Shape.ToArray());
        var scored = model.Transform(_photos);
        var outputs = Run(onnx, [Floats("Features", OnnxFiles.Flat(scored.GetColumn<float[]>("Features")), 120, 3, 16, 16)]);
        Differences.AssertWithin(OnnxFiles.Flat(scored.GetColumn<float[]>("Score")), (float[])outputs["Score"], 1e-4,
            "CNN on ExtractPixels' pixels, network alone");
    }

    [TestMethod]
    public void ConvertToOnnx_CnnReadingPhotoPathsItself_NamesTheColumnAndThePreprocessingToReproduce()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnClassifierTrainer.Options
            {
                FeatureColumnName = "ImagePath", NumberOfEpochs = 1, ImageShape = new ImageShape(3, 16, 16),
            }))
            .Fit(_photos);
        var e = Assert.ThrowsExactly<NotSupportedException>(() => OnnxFiles.Export(ml, model, _photos));
        StringAssert.Contains(e.Message, "reads photos from column 'ImagePath' (String)");
        StringAssert.Contains(e.Message, "Resize(16)");
        var (_, info) = OnnxFiles.ExportNetwork(ml, model);
        StringAssert.Contains(info.Preprocessing, "centre 16 x 16 cropped");
    }

    [TestMethod]
    public void ConvertToOnnx_PipelineEndingInUmap_NamesTheProjection()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.FashionTest(ml, 200);
        var model = ml.Transforms.ProjectToUmap("Map", "Features", new UmapOptions { EpochCount = 20 }).Fit(data);
        var e = Assert.ThrowsExactly<NotSupportedException>(() => OnnxFiles.Convert(ml, model, data));
        StringAssert.Contains(e.Message, "The UMAP projection 'Map' cannot be converted to ONNX");
    }

    [TestMethod]
    public void ConvertToOnnx_ClassActivationMaps_NamesTheMaps()
    {
        var ml = TrainedCnn.Context;
        var data = ml.Data.TakeRows(TrainedCnn.Test, 8);
        var classifier = ((IEnumerable<ITransformer>)TrainedCnn.Model).OfType<CnnClassifierTransformer>().Single();
        using var maps = ml.Transforms.ClassActivationMaps(classifier, new ClassActivationMapOptions { Method = CamMethod.GradCam }).Fit(data);
        var e = Assert.ThrowsExactly<NotSupportedException>(() => OnnxFiles.Convert(ml, maps, data));
        StringAssert.Contains(e.Message, "class activation maps");
    }

    [TestMethod]
    [DataRow(8)]
    [DataRow(13)]
    public void ExportToOnnx_OpsetOutsideMlNetsRange_ThrowsNamingTheRange(int opset)
    {
        var options = new OnnxExportOptions { OpSetVersion = opset };
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => OnnxFiles.Export(TrainedCnn.Context, TrainedCnn.Model, TrainedCnn.Test, options));
        StringAssert.Contains(e.Message, "must be 9 to 12");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => OnnxFiles.ExportNetwork(TrainedCnn.Context, TrainedCnn.Model, options));
    }

    [TestMethod]
    public void ExportToOnnx_PipelineWithoutANetwork_SaysWhatItExports()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.FashionTest(ml, 50);
        var model = ml.Transforms.NormalizeMinMax("Features").Fit(data);
        var e = Assert.ThrowsExactly<ArgumentException>(() => OnnxFiles.Export(ml, model, data));
        StringAssert.Contains(e.Message, "holds no fitted network of this package");
        StringAssert.Contains(e.Message, "mlContext.Model.ConvertToOnnx");
    }

    [TestMethod]
    public void ExportNetworkToOnnx_TwoNetworks_AsksWhichOne()
    {
        var cnn = ((IEnumerable<ITransformer>)TrainedCnn.Model).OfType<CnnClassifierTransformer>().Single();
        var embedding = ((IEnumerable<ITransformer>)TrainedEmbedding.Model).OfType<TripletEmbeddingTransformer>().Single();
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            OnnxFiles.ExportNetwork(TrainedCnn.Context, new TransformerChain<ITransformer>(cnn, embedding)));
        StringAssert.Contains(e.Message, "holds 2 networks (CnnClassifierTransformer, TripletEmbeddingTransformer)");
    }

    [TestMethod]
    public void ExportToOnnx_UnknownOutputColumn_ListsTheOutputs()
    {
        var options = new OnnxExportOptions { OutputColumns = ["Scores"] };
        var e = Assert.ThrowsExactly<ArgumentException>(() => OnnxFiles.Export(TrainedCnn.Context, TrainedCnn.Model, TrainedCnn.Test, options));
        StringAssert.Contains(e.Message, "Column 'Scores' is not an output");
        StringAssert.Contains(e.Message, "'Score'");
    }

    [TestMethod]
    public void ExportNetworkToOnnx_DisposedTransformer_SaysTheWeightsAreFreed()
    {
        var ml = new MLContext(seed: 1);
        var train = TestData.FashionTrain(ml, 200);
        var cnn = (CnnClassifierTransformer)ml.MulticlassClassification.Trainers.Cnn(new CnnClassifierTrainer.Options { NumberOfEpochs = 1 })
            .Fit(ml.Transforms.Conversion.MapValueToKey("Label").Fit(train).Transform(train));
        cnn.Dispose();
        var e = Assert.ThrowsExactly<ObjectDisposedException>(() => OnnxFiles.ExportNetwork(ml, cnn));
        StringAssert.Contains(e.Message, "Export before disposing");
    }
}
