using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Backbones;
using MlNetTriplet.Networks;
using MlNetTriplet.Tests.Export;
using MlNetTriplet.Tests.TransferLearning;
using static MlNetTriplet.Tests.Export.OnnxRuntimeRun;
using static TorchSharp.torch;

namespace MlNetTriplet.Tests.Embeddings;

/// <summary>Photo embeddings on real photos (data/caltech101, six classes) with the ImageNet ResNet-18 of the
/// featurizer package: a frozen backbone and an embedding head trained in class-balanced batches retrieve the
/// validation photos better than the backbone's own pooled features; the transformer embeds photo paths and
/// LoadImages images lazily, one by one, after a save and load, and its network exports to ONNX on prepared pixels.</summary>
[TestClass]
public sealed class PhotoEmbeddingTests
{
    private static MLContext _ml = null!;
    private static IDataView _train = null!, _valid = null!;
    private static ITransformer _keys = null!;
    private static TripletEmbeddingTransformer _frozen = null!;
    private static string _dir = "";

    [ClassInitialize]
    public static void TrainFrozenOnce(TestContext _)
    {
        _ml = new MLContext(seed: 1);
        _dir = TestData.TempDirectory();
        var train = CaltechPhotos.Load(_ml, "train", every: 2);
        _keys = CaltechPhotos.Keys(_ml, train);
        _train = _keys.Transform(train);
        _valid = _keys.Transform(CaltechPhotos.Load(_ml, "val", every: 1));
        _frozen = _ml.Transforms.TripletEmbedding(Options(o => o.NumberOfEpochs = 10)).Fit(_train);
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        _frozen.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The defaults on the photo column, in P x K batches of the six classes.</summary>
    internal static TripletEmbeddingOptions Options(Action<TripletEmbeddingOptions>? change = null)
    {
        var options = new TripletEmbeddingOptions
        {
            FeatureColumnName = "ImagePath", ClassesPerBatch = 6, SamplesPerClass = 4, EmbeddingSize = 128, Seed = 7,
        };
        change?.Invoke(options);
        return options;
    }

    private static float[][] Embeddings(ITransformer model, IDataView data) =>
        model.Transform(data).GetColumn<float[]>("Embedding").ToArray();

    [TestMethod]
    public void FrozenBackbone_OnCaltechPhotos_RetrievesBetterThanThePretrainedPooledFeatures()
    {
        // The untrained backbone's pooled features (TransferLearning's FeaturesColumnName) on these 60 validation
        // photos: P@1 0.833 / MAP@R 0.582 Euclidean, 0.900 / 0.697 cosine. Trained here (60 photos, 10 epochs, seeds 1-3
        // and 7): P@1 0.950-0.983, MAP@R 0.872-0.896.
        var metrics = _ml.Embeddings().Evaluate(_frozen.Transform(_valid));
        Assert.IsGreaterThan(0.90, metrics.PrecisionAt1, metrics.ToString());
        Assert.IsGreaterThan(0.80, metrics.MeanAveragePrecisionAtR, metrics.ToString());

        Assert.AreEqual(TransferMode.FrozenBackbone, _frozen.BackboneMode);
        Assert.AreEqual(BackboneArchitecture.ResNet18Cntk, _frozen.BackboneArchitecture);
        Assert.AreEqual(new ImageShape(3, 224, 224), _frozen.ImageShape);
        Assert.AreEqual(128, _frozen.EmbeddingSize);
        Assert.IsTrue(_frozen.IsNormalized);
        Assert.IsNull(_frozen.Architecture);
        Assert.HasCount(10, _frozen.History!.Epochs);
        var norms = Embeddings(_frozen, _valid).Select(e => Math.Sqrt(e.Sum(v => (double)v * v)));
        Assert.IsTrue(norms.All(n => Math.Abs(n - 1) < 1e-5), "unit length");
    }

    [TestMethod]
    public void SaveLoad_InSameProcess_GivesIdenticalEmbeddingsWithoutTheWeightsFiles()
    {
        string zip = Path.Combine(_dir, "photos.zip");
        _ml.Model.Save(_keys.Append(_frozen), null, zip);
        var loaded = new MLContext().Model.Load(zip, out _);
        var expected = Embeddings(_frozen, _valid);
        var actual = Embeddings(loaded, CaltechPhotos.Load(_ml, "val", every: 1));
        var reloaded = ((IEnumerable<ITransformer>)loaded).OfType<TripletEmbeddingTransformer>().Single();
        Assert.AreEqual(_frozen.BackboneName, reloaded.BackboneName);
        Assert.AreEqual(TransferMode.FrozenBackbone, reloaded.BackboneMode);
        CollectionAssert.AreEqual(_frozen.History!.Epochs.ToArray(), reloaded.History!.Epochs.ToArray());
        for (int i = 0; i < expected.Length; i++)
            CollectionAssert.AreEqual(expected[i], actual[i], $"row {i}");
    }

    [TestMethod]
    public void PredictionEngine_OnOnePhotoPath_MatchesTheBatchedTransform()
    {
        // Not disposed: disposing a PredictionEngine disposes the model it wraps, shared by the other tests.
        var engine = _ml.Model.CreatePredictionEngine<CaltechPhotos.Photo, Embedded>(_keys.Append(_frozen));
        var photos = CaltechPhotos.List(_ml, "val", every: 1);
        var batched = Embeddings(_frozen, _valid);
        foreach (int i in new[] { 0, 25, 59 })
        {
            var single = engine.Predict(photos[i]).Embedding;
            for (int k = 0; k < single.Length; k++)
                Assert.AreEqual(batched[i][k], single[k], 1e-5f, $"photo {i}");
        }
    }

    [TestMethod]
    public void Transform_OnALoadImagesColumn_EmbedsAsOnPaths()
    {
        var images = _ml.Transforms.LoadImages("ImagePath", null, "ImagePath").Fit(_valid).Transform(_valid);
        var expected = Embeddings(_frozen, _valid);
        var actual = Embeddings(_frozen, images);
        for (int i = 0; i < expected.Length; i++)
            for (int k = 0; k < expected[i].Length; k++)
                Assert.AreEqual(expected[i][k], actual[i][k], 1e-4f, $"row {i}: ImageAnalytics decodes JPEGs as we do");
    }

    [TestMethod]
    public void ConvertToOnnx_ModelReadingPhotoPaths_SaysItCannotAndWhatToExportInstead()
    {
        var e = Assert.ThrowsExactly<NotSupportedException>(() => OnnxFiles.Convert(_ml, _frozen, _valid));
        StringAssert.Contains(e.Message, "TripletEmbedding cannot be converted to ONNX");
        StringAssert.Contains(e.Message, "'ImagePath'");
        StringAssert.Contains(e.Message, "ExportNetworkToOnnx");
        StringAssert.Contains(e.Message, "float32 [N, 3, 224, 224]");
    }

    [TestMethod]
    public void ExportNetworkToOnnx_EmbedsPreparedPhotosAsTheTransformerEmbedsTheFiles()
    {
        var photos = CaltechPhotos.List(_ml, "val", every: 6);
        var prepared = _ml.Data.LoadFromEnumerable(CaltechPhotos.Prepare(photos));
        var expected = OnnxFiles.Flat(_frozen.Transform(_ml.Data.LoadFromEnumerable(photos)).GetColumn<float[]>("Embedding"));

        var (model, info) = OnnxFiles.ExportNetwork(_ml, _frozen);
        CollectionAssert.AreEqual(new long[] { -1, 3, 224, 224 }, info.Inputs.Single().Shape.ToArray());
        CollectionAssert.AreEqual(new[] { "Embedding" }, info.Outputs.Select(o => o.Name).ToArray());
        StringAssert.Contains(info.Preprocessing, "Resize(256)");
        StringAssert.Contains(info.Preprocessing, "unit norm");
        var outputs = Run(model, [Floats("ImagePath", OnnxFiles.Flat(prepared.GetColumn<float[]>("ImagePath")), photos.Count, 3, 224, 224)]);
        Differences.AssertWithin(expected, (float[])outputs["Embedding"], 1e-4, "photo embedding");
        OnnxChecker.AssertValid(model);
    }

    [TestMethod]
    public void FineTuneLastBlocks_OnPhotoFiles_TrainsTheLastBlockAndTheHeadOnly()
    {
        var train = _keys.Transform(CaltechPhotos.Load(_ml, "train", every: 3));
        using var original = BackboneModule.Load(PretrainedBackbone.ResNet18ImageNet());
        var phases = new List<TrainingPhase>();
        using var tuned = _ml.Transforms.TripletEmbedding(Options(o =>
        {
            o.BackboneMode = TransferMode.FineTuneLastBlocks;
            o.NumberOfEpochs = 1;
            o.ClassesPerBatch = 4;
            o.ProgressCallback = p => phases.Add(p.Phase);
            o.EmbeddingSource = PhotoEmbeddingSource.Backbone;
        })).Fit(train);
        var before = original.state_dict();
        var after = ((TransferNetwork)tuned.Network).Backbone.state_dict();
        foreach (var (name, value) in before)
        {
            bool same = value.eq(after[name]).all().item<bool>();
            if (name.StartsWith("layer4.", StringComparison.Ordinal) && name.EndsWith("weight", StringComparison.Ordinal))
                Assert.IsFalse(same, $"{name} trains");
            else if (!name.StartsWith("layer4.", StringComparison.Ordinal))
                Assert.IsTrue(same, $"{name} is frozen");
        }
        Assert.AreEqual(TransferMode.FineTuneLastBlocks, tuned.BackboneMode);
        // PhotoEmbeddingSource.Backbone: the trained backbone's 512 pooled features embed, normalised; no head.
        Assert.AreEqual(512, tuned.EmbeddingSize);
        var embedding = tuned.Transform(train).GetColumn<float[]>("Embedding").First();
        Assert.AreEqual(1.0, Math.Sqrt(embedding.Sum(v => (double)v * v)), 1e-5, "unit length");
        Assert.IsTrue(double.IsFinite(tuned.History!.Epochs[0].TrainLoss));
        Assert.DoesNotContain(TrainingPhase.Preparing, phases, "no feature cache while the backbone trains");
    }

    [TestMethod]
    public void Fit_OnPreparedPixelVectorsWithABackboneSet_EmbedsThePhotosAsFromTheirPaths()
    {
        // A vector column goes through the backbone only when Backbone is set (else it would be a CNN's or MLP's input);
        // it is read in order through a cursor, and the cached features are drawn P x K as from files.
        var photos = CaltechPhotos.List(_ml, "train", every: 3);
        var pixels = _keys.Transform(_ml.Data.LoadFromEnumerable(CaltechPhotos.Prepare(photos)));
        using var model = _ml.Transforms.TripletEmbedding(Options(o =>
        {
            o.Backbone = PretrainedBackbone.ResNet18ImageNet();
            o.NumberOfEpochs = 2;
            o.ClassesPerBatch = 4;
        })).Fit(pixels);
        Assert.AreEqual(TransferMode.FrozenBackbone, model.BackboneMode);
        var fromPixels = Embeddings(model, pixels);
        var fromPaths = Embeddings(model, _keys.Transform(_ml.Data.LoadFromEnumerable(photos)));
        for (int i = 0; i < fromPixels.Length; i++)
            CollectionAssert.AreEqual(fromPixels[i], fromPaths[i], $"photo {i}: the transformer prepares paths as Prepare did");
    }

    private sealed class Embedded
    {
        public float[] Embedding { get; set; } = [];
    }
}
