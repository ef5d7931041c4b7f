using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Explain;
using static TorchSharp.torch;

namespace MlNetTriplet.Tests.Explain;

[TestClass]
public sealed class ClassActivationMapTests
{
    private const int Side = ClutterScenes.Side;

    [TestMethod]
    public void GradCam_OnGlobalAveragePoolHead_EqualsCam()
    {
        using var classifier = CamTestModels.Cnn(CamTestModels.SmallGap, seed: 3);
        var data = CamMaps.Scenes(10);
        foreach (var target in new[] { CamTarget.PredictedClass, CamTarget.PredictedVersusRunnerUp })
        {
            var cam = CamMaps.Run(classifier, new() { Method = CamMethod.Cam, Target = target }, data);
            var grad = CamMaps.Run(classifier, new() { Method = CamMethod.GradCam, Target = target }, data);
            Assert.IsLessThan(1e-4, CamMaps.MaxDifference(cam.Maps, grad.Maps), target.ToString());
            CollectionAssert.AreEqual(cam.Classes, grad.Classes);
        }
    }

    [TestMethod]
    public void GradCam_AgainstRunnerUp_IsReluOfTheTwoClassesCamDifference()
    {
        using var classifier = CamTestModels.Cnn(CamTestModels.SmallGap, seed: 4);
        var (images, data) = Scenes(8);
        var (maps, classes) = CamMaps.Run(classifier, new() { Target = CamTarget.PredictedVersusRunnerUp }, data);
        using var scope = NewDisposeScope();
        var network = classifier.Cnn;
        using var noGrad = no_grad();
        var a = network.ForwardThrough(images, network.BlockCount - 1);
        var top = network.forward(images).topk(2, 1).indexes;
        var weight = network.Classifier!.weight!;
        var w = weight.index_select(0, top.select(1, 0)) - weight.index_select(0, top.select(1, 1));
        var expected = Upsampled((w.unsqueeze(-1).unsqueeze(-1) * a).sum(1));
        AssertClose(expected, maps, 1e-4);
        CollectionAssert.AreEqual(top.select(1, 0).data<long>().Select(c => (int)c).ToArray(), classes);
    }

    [TestMethod]
    public void GradCam_OnDenseHead_WeighsEachChannelByItsMeanDenseWeight()
    {
        using var classifier = CamTestModels.Cnn(CamTestModels.SmallDense, seed: 5);
        var (images, data) = Scenes(6);
        var (maps, classes) = CamMaps.Run(classifier, new() { Method = CamMethod.GradCam }, data);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (a, w) = DenseHeadParts(classifier, images, classes);
        AssertClose(Upsampled((w.mean([2, 3], keepdim: true) * a).sum(1)), maps, 1e-4);
    }

    [TestMethod]
    public void HiResCam_OnDenseHead_IsDenseWeightTimesActivationAtEveryPosition()
    {
        using var classifier = CamTestModels.Cnn(CamTestModels.SmallDense, seed: 6);
        var (images, data) = Scenes(6);
        var (maps, classes) = CamMaps.Run(classifier, new() { Method = CamMethod.HiResCam }, data);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (a, w) = DenseHeadParts(classifier, images, classes);
        AssertClose(Upsampled((w * a).sum(1)), maps, 1e-4);
    }

    [TestMethod]
    public void GradCamPlusPlus_OnGlobalAveragePoolHead_MatchesItsClosedForm()
    {
        using var classifier = CamTestModels.Cnn(CamTestModels.SmallGap, seed: 7);
        var (images, data) = Scenes(6);
        var (maps, classes) = CamMaps.Run(classifier, new() { Method = CamMethod.GradCamPlusPlus }, data);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var network = classifier.Cnn;
        var a = network.ForwardThrough(images, network.BlockCount - 1);
        long positions = a.shape[2] * a.shape[3];
        // The gradient of a logit through average pooling is its dense weight / positions, the same everywhere.
        var g = network.Classifier!.weight!.index_select(0, tensor(classes.Select(c => (long)c).ToArray())) / positions;
        var sums = a.sum([2, 3]);
        var alpha = g * g / (2 * g * g + sums * g * g * g + 1e-6);
        var w = g.relu() * alpha * positions;
        AssertClose(Upsampled((w.unsqueeze(-1).unsqueeze(-1) * a).sum(1)), maps, 1e-3);
    }

    [TestMethod]
    public void EigenCam_IsTheFirstPrincipalComponentSignedToFollowTheMeanActivation_WhateverTheTarget()
    {
        using var classifier = CamTestModels.Cnn(CamTestModels.SmallGap, seed: 8);
        var (images, data) = Scenes(5);
        var (maps, _) = CamMaps.Run(classifier, new() { Method = CamMethod.EigenCam }, data);
        var (square, _) = CamMaps.Run(classifier, new() { Method = CamMethod.EigenCam, Target = CamTarget.Class("square") }, data);
        Assert.IsLessThan(1e-6, CamMaps.MaxDifference(maps, square));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var a = classifier.Cnn.ForwardThrough(images, classifier.Cnn.BlockCount - 1).to_type(ScalarType.Float64);
        var projections = new List<Tensor>();
        for (int i = 0; i < 5; i++)
        {
            var x = a[i].flatten(1).t();                                     // positions x channels
            var centred = x - x.mean([0], keepdim: true);
            var (_, vectors) = linalg.eigh(centred.t().matmul(centred));     // ascending eigenvalues
            var projection = centred.matmul(vectors.select(1, vectors.shape[1] - 1));
            var mean = a[i].mean([0]).flatten();
            if ((projection * (mean - mean.mean())).sum().item<double>() < 0)
                projection = -projection;
            projections.Add(projection.view(a.shape[2], a.shape[3]));
        }
        AssertClose(Upsampled(stack(projections).to_type(ScalarType.Float32)), maps, 1e-3);
    }

    [TestMethod]
    public void ScoreCam_WeighsEachChannelByTheClassProbabilityOfTheImageItMasks()
    {
        using var classifier = CamTestModels.Cnn(CamTestModels.SmallGap, seed: 9);
        var (images, data) = Scenes(2);
        var (maps, classes) = CamMaps.Run(classifier, new() { Method = CamMethod.ScoreCam, BatchSize = 5 }, data);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var network = classifier.Cnn;
        var a = network.ForwardThrough(images, network.BlockCount - 1);
        var expected = new List<Tensor>();
        for (int i = 0; i < 2; i++)
        {
            var weights = new float[a.shape[1]];
            for (int c = 0; c < a.shape[1]; c++)
            {
                var mask = nn.functional.interpolate(a[i, c].unsqueeze(0).unsqueeze(0), [Side, Side],
                    mode: InterpolationMode.Bilinear, align_corners: false);
                var (low, high) = (mask.min().item<float>(), mask.max().item<float>());
                if (high > low)
                    weights[c] = network.forward(images[i].unsqueeze(0) * ((mask - low) / (high - low))).softmax(1)[0, classes[i]].item<float>();
            }
            expected.Add((tensor(weights).unsqueeze(-1).unsqueeze(-1) * a[i]).sum([0]));
        }
        AssertClose(Upsampled(stack(expected)), maps, 1e-4);
    }

    [TestMethod]
    public void EveryMethod_GivesMapsInUnitRangeAtTheInputResolution_AnnotatedWithTheirShape()
    {
        using var classifier = CamTestModels.Cnn(CamTestModels.SmallGap, seed: 10);
        var data = CamMaps.Scenes(4);
        foreach (var method in Enum.GetValues<CamMethod>())
        {
            using var transformer = CamMaps.Ml.Transforms.ClassActivationMaps(classifier, method).Fit(data);
            var mapped = transformer.Transform(data);
            var column = mapped.Schema["ActivationMap"];
            Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, Side * Side), column.Type, method.ToString());
            Assert.AreEqual(new ImageShape(1, Side, Side), ImageShape.FromAnnotations(column));
            Assert.AreEqual(new ImageShape(1, Side, Side), transformer.MapShape);
            foreach (var map in mapped.GetColumn<float[]>("ActivationMap"))
            {
                Assert.IsTrue(map.All(v => v is >= 0 and <= 1), method.ToString());
                // Scaled to reach 1, unless nothing at all supports the class (all zero after ReLU; random weights).
                Assert.IsTrue(map.Max() == 1f || map.All(v => v == 0), $"{method}: maximum {map.Max()}");
            }
        }
    }

    [TestMethod]
    public void Transform_InBatchesOfAnySize_AndPredictionEngine_GiveTheSameMaps()
    {
        using var classifier = CamTestModels.Cnn(CamTestModels.SmallGap, seed: 11);
        var data = CamMaps.Scenes(11);
        var whole = CamMaps.Run(classifier, new() { BatchSize = 64 }, data);
        var small = CamMaps.Run(classifier, new() { BatchSize = 3 }, data);
        Assert.IsLessThan(1e-5, CamMaps.MaxDifference(whole.Maps, small.Maps));
        CollectionAssert.AreEqual(whole.Classes, small.Classes);

        using var transformer = CamMaps.Ml.Transforms.ClassActivationMaps(classifier).Fit(data);
        var engine = CamMaps.Ml.Model.CreatePredictionEngine<ClutterScenes.Row, MapRow>(transformer,
            inputSchemaDefinition: ClutterScenes.RowSchema());
        var rows = CamMaps.Ml.Data.CreateEnumerable<ClutterScenes.Row>(data, reuseRowObject: false).ToList();
        for (int i = 0; i < rows.Count; i++)
        {
            var row = engine.Predict(rows[i]);
            Assert.IsLessThan(1e-5, CamMaps.MaxDifference([row.ActivationMap], [whole.Maps[i]]));
            Assert.AreEqual((uint)whole.Classes[i] + 1, row.ExplainedLabel);
        }
    }

    [TestMethod]
    public void ClassTarget_ExplainsTheNamedClassOnEveryRow_AndLabelsKeepTheClassifiersValues()
    {
        using var classifier = CamTestModels.Cnn(CamTestModels.SmallGap, seed: 12);
        var data = CamMaps.Scenes(8);
        using var transformer = CamMaps.Ml.Transforms.ClassActivationMaps(classifier,
            new ClassActivationMapOptions { Target = CamTarget.Class("triangle") }).Fit(data);
        var mapped = transformer.Transform(data);
        var labels = CamMaps.Ml.Transforms.Conversion.MapKeyToValue("ExplainedText", "ExplainedLabel").Fit(mapped).Transform(mapped);
        CollectionAssert.AreEqual(Enumerable.Repeat("triangle", 8).ToArray(),
            labels.GetColumn<string>("ExplainedText").ToArray());
        Assert.AreEqual("Class(\"triangle\")", transformer.Target.ToString());
    }

    [TestMethod]
    public void PredictedVersusNamedClass_OnRowsPredictedAsThatClass_ContrastsWithTheRunnerUp()
    {
        using var classifier = CamTestModels.Cnn(CamTestModels.SmallGap, seed: 13);
        var data = CamMaps.Scenes(16);
        var predicted = CamMaps.Run(classifier, new() { Method = CamMethod.Cam }, data).Classes;
        string common = ClutterScenes.Classes[predicted.GroupBy(c => c).MaxBy(g => g.Count())!.Key];
        var versus = CamMaps.Run(classifier, new() { Method = CamMethod.Cam, Target = CamTarget.PredictedVersus(common) }, data);
        var runnerUp = CamMaps.Run(classifier, new() { Method = CamMethod.Cam, Target = CamTarget.PredictedVersusRunnerUp }, data);
        var named = CamMaps.Run(classifier, new() { Method = CamMethod.Cam, Target = CamTarget.Class(common) }, data);
        CollectionAssert.AreEqual(predicted, versus.Classes, "the predicted class is the one explained");
        for (int i = 0; i < predicted.Length; i++)
            if (ClutterScenes.Classes[predicted[i]] == common)
                Assert.IsLessThan(1e-5, CamMaps.MaxDifference([versus.Maps[i]], [runnerUp.Maps[i]]), $"row {i}");
            else
                Assert.IsGreaterThan(1e-3, CamMaps.MaxDifference([versus.Maps[i]], [named.Maps[i]]), $"row {i}: a contrast, not the named class alone");
    }

    [TestMethod]
    public void LayerName_AnEarlierBlock_GivesItsOwnMaps_AndTheLastIsTheDefault()
    {
        using var classifier = CamTestModels.Cnn(CamTestModels.SmallGap, seed: 14);
        var data = CamMaps.Scenes(4);
        using var transformer = CamMaps.Ml.Transforms.ClassActivationMaps(classifier).Fit(data);
        CollectionAssert.AreEqual(new[] { "block0", "block1" }, transformer.LayerNames.ToArray());
        Assert.AreEqual("block1", transformer.LayerName);
        var last = CamMaps.Run(classifier, new() { LayerName = "block1" }, data);
        var first = CamMaps.Run(classifier, new() { LayerName = "block0" }, data);
        Assert.IsLessThan(1e-6, CamMaps.MaxDifference(last.Maps, CamMaps.Read(transformer.Transform(data), new()).Maps));
        Assert.IsGreaterThan(0.05, CamMaps.MaxDifference(first.Maps, last.Maps));
        CollectionAssert.AreEqual(last.Classes, first.Classes);
    }

    [TestMethod]
    public void BoxAndPreparedImageColumns_HoldTheMapsBoxAndTheNetworkInput()
    {
        using var classifier = CamTestModels.Cnn(CamTestModels.SmallGap, seed: 15);
        var data = CamMaps.Scenes(6);
        var options = new ClassActivationMapOptions { BoxColumnName = "Box", BoxThreshold = 0.3f, PreparedImageColumnName = "Input" };
        using var transformer = CamMaps.Ml.Transforms.ClassActivationMaps(classifier, options).Fit(data);
        var mapped = transformer.Transform(data);
        var maps = mapped.GetColumn<float[]>("ActivationMap").ToArray();
        var boxes = mapped.GetColumn<float[]>("Box").ToArray();
        var inputs = mapped.GetColumn<float[]>("Input").ToArray();
        var features = data.GetColumn<float[]>("Features").ToArray();
        var finder = new BoxFinder(Side, Side);
        for (int i = 0; i < maps.Length; i++)
        {
            Assert.AreEqual(finder.Find(maps[i], 0.3f), ActivationBox.From(boxes[i]));
            CollectionAssert.AreEqual(features[i], inputs[i]);
        }
        Assert.AreEqual(ClutterScenes.Shape, ImageShape.FromAnnotations(mapped.Schema["Input"]));
    }

    [TestMethod]
    public void Transform_LeavesTheClassifiersNetworkAsItWas()
    {
        using var classifier = CamTestModels.Cnn(CamTestModels.SmallGap, seed: 16);
        var data = CamMaps.Scenes(6);
        var parameters = classifier.Cnn.parameters().ToList();
        parameters[0].requires_grad_(false);
        var before = classifier.Transform(data).GetColumn<float[]>("Score").ToArray();
        foreach (var method in Enum.GetValues<CamMethod>())
            CamMaps.Run(classifier, new() { Method = method }, data);
        var after = classifier.Transform(data).GetColumn<float[]>("Score").ToArray();
        Assert.IsLessThan(1e-7, CamMaps.MaxDifference(before, after));
        Assert.IsFalse(parameters[0].requires_grad);
        Assert.IsTrue(parameters.Skip(1).All(p => p.requires_grad));
        Assert.IsTrue(parameters.All(p => p.grad is null), "no gradient was accumulated on the classifier");
    }

    [TestMethod]
    public void Transform_KeepsItsOwnCopyOfTheNetwork_WhichOutlivesTheClassifier()
    {
        var classifier = CamTestModels.Cnn(CamTestModels.SmallGap, seed: 17);
        var data = CamMaps.Scenes(4);
        using var transformer = CamMaps.Ml.Transforms.ClassActivationMaps(classifier).Fit(data);
        var before = CamMaps.Read(transformer.Transform(data), new()).Maps;
        classifier.Dispose();
        Assert.IsLessThan(1e-7, CamMaps.MaxDifference(before, CamMaps.Read(transformer.Transform(data), new()).Maps));
    }

    [TestMethod]
    public void GradientMethods_OnAFrozenBackbone_ReachTheFeatureMapsAndLeaveItFrozen()
    {
        using var transfer = CamTestModels.Transfer(seed: 18);
        var network = transfer.Network;
        foreach (var p in network.Backbone.parameters())
            p.requires_grad_(false);
        var explained = ExplainedNetwork.Of(transfer, "classifier");
        using var scope = NewDisposeScope();
        var images = rand(4, 3, 64, 64);
        // Grad-CAM equals CAM on this head only if the gradient reached the frozen backbone's feature maps. The contrast
        // target: a random head's single-class maps are often all negative (empty), a winning margin never is.
        var (cam, _) = ClassActivationMap.For(CamMethod.Cam, 4).Compute(explained, explained.LastLayer,
            CamTargetKind.PredictedVersusRunnerUp, 0, images, 64, 64);
        Assert.IsGreaterThan(0.5, cam.flatten(1).amax([1]).min().item<float>(), "every contrast map has a maximum of 1");
        foreach (var method in new[] { CamMethod.GradCam, CamMethod.HiResCam })
        {
            var (maps, _) = ClassActivationMap.For(method, 4).Compute(explained, explained.LastLayer,
                CamTargetKind.PredictedVersusRunnerUp, 0, images, 64, 64);
            Assert.IsLessThan(1e-4, (maps - cam).abs().max().item<float>(), method.ToString());
        }
        Assert.IsTrue(network.Backbone.parameters().All(p => !p.requires_grad && p.grad is null));
        Assert.IsTrue(network.Classifier!.parameters().All(p => p.requires_grad && p.grad is null));
    }

    [TestMethod]
    public void TransferClassifier_ReadsPhotoFiles_AndMapsTheCropItTakes()
    {
        using var transfer = CamTestModels.Transfer(seed: 19);
        var photos = CamMaps.Ml.Data.TakeRows(CamMaps.Ml.Data.LoadFromImageFolder(Path.Combine(TestData.Caltech101, "val")), 3);
        var options = new ClassActivationMapOptions { Method = CamMethod.Cam, LayerName = "layer4", PreparedImageColumnName = "Crop" };
        using var transformer = CamMaps.Ml.Transforms.ClassActivationMaps(transfer, options).Fit(photos);
        Assert.AreEqual("ImagePath", transformer.InputColumnName);
        CollectionAssert.AreEqual(new[] { "stem", "layer1", "layer2", "layer3", "layer4" }, transformer.LayerNames.ToArray());
        var mapped = transformer.Transform(photos);
        var maps = mapped.GetColumn<float[]>("ActivationMap").ToArray();
        var crops = mapped.GetColumn<float[]>("Crop").ToArray();
        Assert.HasCount(3, maps);
        Assert.IsTrue(maps.All(m => m.Length == 64 * 64 && m.Max() == 1f));
        Assert.IsTrue(crops.All(c => c.Length == 3 * 64 * 64 && c.All(v => v is >= 0 and <= 1)));
    }

    [TestMethod]
    public void Catalog_GivenAFittedPipeline_ExplainsTheClassifierInIt()
    {
        using var classifier = CamTestModels.Cnn(CamTestModels.SmallGap, seed: 20);
        var data = CamMaps.Scenes(4);
        var keys = CamMaps.Ml.Transforms.Conversion.MapValueToKey("Label").Fit(data);
        var pipeline = new TransformerChain<ITransformer>(keys, classifier);
        var fromChain = CamMaps.Run(pipeline, new(), data);
        var direct = CamMaps.Run(classifier, new(), data);
        Assert.IsLessThan(1e-7, CamMaps.MaxDifference(fromChain.Maps, direct.Maps));
    }

    public sealed class MapRow
    {
        public float[] ActivationMap { get; set; } = [];
        public uint ExplainedLabel { get; set; }
    }

    /// <summary>The scenes as a tensor batch and as a data view.</summary>
    private static (Tensor Images, IDataView Data) Scenes(int count)
    {
        var scenes = ClutterScenes.Generate(count, 7);
        return (tensor(scenes.SelectMany(s => s.Pixels).ToArray(), [count, 3, Side, Side]),
            ClutterScenes.ToDataView(CamMaps.Ml, scenes));
    }

    /// <summary>A dense head's last-block feature maps and each row's class weights shaped as them.</summary>
    private static (Tensor A, Tensor W) DenseHeadParts(CnnClassifierTransformer classifier, Tensor images, int[] classes)
    {
        var network = classifier.Cnn;
        var a = network.ForwardThrough(images, network.BlockCount - 1);
        var linear = (TorchSharp.Modules.Linear)network.Head.children().Last();
        var w = linear.weight!.index_select(0, tensor(classes.Select(c => (long)c).ToArray())).view(a.shape);
        return (a, w);
    }

    /// <summary>ReLU, bilinear upsampling to the scene size, each map scaled to [0, 1]: the end of every method.</summary>
    private static float[][] Upsampled(Tensor layerMaps)
    {
        var up = nn.functional.interpolate(layerMaps.relu().unsqueeze(1), [Side, Side], mode: InterpolationMode.Bilinear,
            align_corners: false).flatten(1);
        var low = up.amin([1], keepdim: true);
        var scaled = (up - low) / (up.amax([1], keepdim: true) - low);
        return Enumerable.Range(0, (int)scaled.shape[0]).Select(i => scaled[i].data<float>().ToArray()).ToArray();
    }

    private static void AssertClose(float[][] expected, float[][] actual, double tolerance) =>
        Assert.IsLessThan(tolerance, CamMaps.MaxDifference(expected, actual));
}
