using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Backbones;
using MlNetTriplet.Tests.Persistence;
using static TorchSharp.torch;

namespace MlNetTriplet.Tests.TransferLearning;

/// <summary>The transfer-learning trainer on real photos with the ImageNet ResNet-18 of the featurizer package: every
/// mode learns, trains what it should and nothing else, repeats with a seed, and its transformer scores photo paths
/// lazily, one by one and after a save and load.</summary>
[TestClass]
public sealed class TransferLearningTests
{
    private static MLContext _ml = null!;
    private static IDataView _train = null!, _valid = null!;
    private static ITransformer _keys = null!;
    private static TransferLearningTransformer _frozen = null!;
    private static string _dir = "";

    [ClassInitialize]
    public static void TrainFrozenOnce(TestContext _)
    {
        _ml = new MLContext(seed: 1);
        _dir = TestData.TempDirectory();
        var train = CaltechPhotos.Load(_ml, "train", every: 3);
        _keys = CaltechPhotos.Keys(_ml, train);
        _train = _keys.Transform(train);
        _valid = _keys.Transform(CaltechPhotos.Load(_ml, "val", every: 2));
        _frozen = Trainer(TransferMode.FrozenBackbone, epochs: 15, features: "Pooled").Fit(_train, _valid);
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        _frozen.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static TransferLearningTrainer Trainer(TransferMode mode, int epochs, string? features = null,
        Action<TransferLearningTrainer.Options>? change = null)
    {
        var options = new TransferLearningTrainer.Options
        {
            Mode = mode, NumberOfEpochs = epochs, FeaturesColumnName = features, BatchSize = 8, Seed = 7,
        };
        change?.Invoke(options);
        return _ml.MulticlassClassification.Trainers.TransferLearning(options);
    }

    private static float[][] Scores(ITransformer model, IDataView data) =>
        model.Transform(data).GetColumn<float[]>("Score").ToArray();

    [TestMethod]
    public void FrozenBackbone_OnSixCaltechClasses_ClassifiesValidationPhotos()
    {
        // 0.87-0.93 of the 30 validation photos over seeds 1-4 and 7; chance is 1 in 6.
        var metrics = _ml.MulticlassClassification.Evaluate(_frozen.Transform(_valid));
        Assert.IsGreaterThanOrEqualTo(0.75, metrics.MicroAccuracy, $"accuracy {metrics.MicroAccuracy}");
        Assert.AreEqual(15, _frozen.History!.Epochs.Count);
        Assert.AreEqual(TransferMode.FrozenBackbone, _frozen.Mode);
        Assert.AreEqual(BackboneArchitecture.ResNet18Cntk, _frozen.Architecture);
        Assert.AreEqual(224, _frozen.ImageSize);
        var labels = new VBuffer<ReadOnlyMemory<char>>();
        _frozen.Transform(_valid).Schema["PredictedLabel"].GetKeyValues(ref labels);
        CollectionAssert.AreEqual(CaltechPhotos.Classes, labels.DenseValues().Select(v => v.ToString()).ToArray());
    }

    [TestMethod]
    public void FrozenBackbone_WithTheSameSeed_TrainsTheSameModel()
    {
        using var again = Trainer(TransferMode.FrozenBackbone, epochs: 15, features: "Pooled").Fit(_train, _valid);
        var expected = Scores(_frozen, _valid);
        var actual = Scores(again, _valid);
        for (int i = 0; i < expected.Length; i++)
            CollectionAssert.AreEqual(expected[i], actual[i], $"row {i}");
    }

    [TestMethod]
    public void FeaturesColumn_HoldsTheBackbonesPooledFeatures()
    {
        var pooled = _frozen.Transform(_valid).GetColumn<float[]>("Pooled").ToArray();
        Assert.AreEqual(512, _frozen.FeatureCount);
        Assert.IsTrue(pooled.All(p => p.Length == 512 && p.All(v => v >= 0 && float.IsFinite(v))), "averages of ReLU maps");
        Assert.IsTrue(pooled[0].Zip(pooled[1]).Any(p => p.First != p.Second), "two photos, two feature vectors");
    }

    [TestMethod]
    public void PredictionEngine_OnOnePhotoPath_MatchesTheBatchedTransform()
    {
        var model = _keys.Append(_frozen);
        // Not disposed: disposing a PredictionEngine disposes the model it wraps, shared by the other tests.
        var engine = _ml.Model.CreatePredictionEngine<CaltechPhotos.Photo, Prediction>(model);
        var photos = CaltechPhotos.List(_ml, "val", every: 2);
        var batched = Scores(_frozen, _valid);
        for (int i = 0; i < 4; i++)
        {
            var single = engine.Predict(photos[i]).Score;
            for (int k = 0; k < single.Length; k++)
                Assert.AreEqual(batched[i][k], single[k], 1e-5f, $"photo {i}");
        }
    }

    [TestMethod]
    public void SaveLoad_InSameProcess_GivesIdenticalScoresWithoutTheWeightsFiles()
    {
        string zip = Path.Combine(_dir, "frozen.zip");
        _ml.Model.Save(_keys.Append(_frozen), null, zip);
        var loaded = new MLContext().Model.Load(zip, out _);
        var raw = CaltechPhotos.Load(_ml, "val", every: 2);
        var expected = Scores(_frozen, _valid);
        var actual = Scores(loaded, raw);
        var reloaded = ((IEnumerable<ITransformer>)loaded).OfType<TransferLearningTransformer>().Single();
        Assert.AreEqual(_frozen.BackboneName, reloaded.BackboneName);
        Assert.AreEqual("Pooled", reloaded.FeaturesColumnName);
        CollectionAssert.AreEqual(_frozen.History!.Epochs.ToArray(), reloaded.History!.Epochs.ToArray());
        for (int i = 0; i < expected.Length; i++)
            CollectionAssert.AreEqual(expected[i], actual[i], $"row {i}");
    }

    [TestMethod]
    public void SaveLoad_InAFreshProcessWithoutTheFeaturizerPackage_GivesIdenticalScores()
    {
        string zip = Path.Combine(_dir, "fresh.zip");
        _ml.Model.Save(_keys.Append(_frozen), null, zip);
        // The probe references neither the featurizer package nor any weights file: the zip holds the whole network.
        string folder = Path.Combine(TestData.Caltech101, "val");
        var loaded = ModelProbeProcess.TransformImageFolder(zip, folder, "Score", _dir);
        var expected = Scores(_frozen, _keys.Transform(_ml.Data.LoadFromImageFolder(folder)));
        Assert.HasCount(expected.Length, loaded);
        for (int i = 0; i < expected.Length; i++)
            CollectionAssert.AreEqual(expected[i], loaded[i], $"photo {i}");
    }

    [TestMethod]
    public void FineTuneLastBlocks_TrainsTheLastBlockAndTheHeadOnly()
    {
        using var original = BackboneModule.Load(PretrainedBackbone.ResNet18ImageNet());
        using var tuned = Trainer(TransferMode.FineTuneLastBlocks, epochs: 1).Fit(_train);
        var before = original.state_dict();
        var after = tuned.Network.Backbone.state_dict();
        foreach (var (name, value) in before)
        {
            // Buffers too: the frozen blocks' batch-norm statistics must not move.
            bool same = Same(value, after[name]);
            if (name.StartsWith("layer4.", StringComparison.Ordinal) && name.EndsWith("weight", StringComparison.Ordinal))
                Assert.IsFalse(same, $"{name} trains");
            else if (!name.StartsWith("layer4.", StringComparison.Ordinal))
                Assert.IsTrue(same, $"{name} is frozen");
        }
        Assert.IsTrue(double.IsFinite(tuned.History!.Epochs[0].TrainLoss));
    }

    [TestMethod]
    public void FineTuneAll_TrainsEveryBlockAndLearns()
    {
        using var original = BackboneModule.Load(PretrainedBackbone.ResNet18ImageNet());
        using var tuned = Trainer(TransferMode.FineTuneAll, epochs: 2).Fit(_train, _valid);
        var after = tuned.Network.Backbone.state_dict();
        foreach (string block in new[] { "conv1.weight", "layer1.0.conv1.weight", "layer4.2.conv2.weight" })
            Assert.IsFalse(Same(original.state_dict()[block], after[block]), $"{block} trains");
        // Two epochs on 40 photos reached 0.67-0.80 over seeds 1-4 and 7; chance is 1 in 6.
        var metrics = _ml.MulticlassClassification.Evaluate(tuned.Transform(_valid));
        Assert.IsGreaterThanOrEqualTo(0.5, metrics.MicroAccuracy, $"accuracy {metrics.MicroAccuracy}");
    }

    [TestMethod]
    public void Fit_OnALoadImagesColumn_ScoresAsOnPaths()
    {
        var images = _ml.Transforms.LoadImages("Photo", null, "ImagePath");
        var train = images.Fit(_train).Transform(_train);
        var valid = images.Fit(_valid).Transform(_valid);
        using var model = Trainer(TransferMode.FrozenBackbone, epochs: 15, change: o => o.ImageColumnName = "Photo").Fit(train, valid);
        var expected = Scores(_frozen, _valid);
        var actual = Scores(model, valid);
        for (int i = 0; i < expected.Length; i++)
            for (int k = 0; k < CaltechPhotos.Classes.Length; k++)
                Assert.AreEqual(expected[i][k], actual[i][k], 1e-4f, $"row {i}: ImageAnalytics decodes JPEGs as we do");
    }

    private static bool Same(Tensor a, Tensor b)
    {
        using var equal = a.eq(b).all();
        return equal.item<bool>();
    }

    private sealed class Prediction
    {
        public float[] Score { get; set; } = [];
    }
}
