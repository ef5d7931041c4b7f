using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Evaluation;
using MlNetTriplet.Explain;
using MlNetTriplet.Networks;
using static TorchSharp.torch;

namespace MlNetTriplet.Tests.Explain;

/// <summary>Is the map right? On fresh generated scenes, with the scene CNN this package trained (the PyTorch
/// fixture's weights): the pointing game against a centre-point baseline, boxes, the randomisation sanity check and
/// deletion. The full figures are bench/results/cam-localisation.md.</summary>
[TestClass]
public sealed class SceneLocalisationTests
{
    private const int Scenes = 120, SceneSeed = 11;
    private static readonly Lazy<List<ClutterScenes.Scene>> TestScenes = new(() => ClutterScenes.Generate(Scenes, SceneSeed));

    [TestMethod]
    public void CamAndGradCam_PointAtTheObject_FarMoreOftenThanTheCentreDoes()
    {
        var scenes = TestScenes.Value;
        double centre = scenes.Average(s => Box(s).Contains(ClutterScenes.Side / 2, ClutterScenes.Side / 2) ? 1.0 : 0.0);
        // Objects of 14-20 pixels anywhere in 48: the centre lies in about a third of them.
        Assert.IsLessThan(0.45, centre);
        foreach (var method in new[] { CamMethod.Cam, CamMethod.GradCam })
        {
            double pointing = TrueClassMaps(method).Select((m, i) => LocalisationMetrics.PointingHit(m, ClutterScenes.Side, Box(scenes[i])))
                .Average(h => h ? 1.0 : 0.0);
            Assert.IsGreaterThanOrEqualTo(0.9, pointing, $"{method}: pointing game {pointing}, centre baseline {centre}");
            Assert.IsGreaterThan(centre + 0.4, pointing, $"{method}: pointing game {pointing}, centre baseline {centre}");
        }
    }

    [TestMethod]
    public void CamBoxes_OverlapTheObject()
    {
        var scenes = TestScenes.Value;
        var (_, boxes) = PredictedClassMaps(CamMethod.Cam);
        double meanIou = boxes.Select((b, i) => b.IntersectionOverUnion(Box(scenes[i]))).Average();
        Assert.IsGreaterThan(0.3, meanIou, $"mean IoU {meanIou}");
    }

    [TestMethod]
    public void EveryMethod_OnTheSameNetworkWithRandomWeights_GivesUnrelatedMaps()
    {
        var fixture = SceneFixture.Value;
        manual_seed(5);
        var random = new CnnClassifierTransformer(new CnnClassifierTransformer.Description("Features", ClutterScenes.Shape,
                fixture.Classifier.Architecture, 4, 64, "cpu", null), CamTestModels.Labels(ClutterScenes.Classes),
            new CnnModule(fixture.Classifier.Architecture, ClutterScenes.Shape, 4));
        using (random)
        {
            var data = ClutterScenes.ToDataView(CamMaps.Ml, TestScenes.Value.Take(16));
            foreach (var method in Enum.GetValues<CamMethod>())
            {
                var trained = CamMaps.Run(fixture.Classifier, new() { Method = method }, data).Maps;
                var randomised = CamMaps.Run(random, new() { Method = method }, data).Maps;
                double correlation = trained.Zip(randomised).Average(p => LocalisationMetrics.RankCorrelation(p.First, p.Second));
                Assert.IsLessThan(0.5, correlation, $"{method}: mean rank correlation {correlation}");
            }
        }
    }

    [TestMethod]
    public void GradCamDeletion_DropsTheExplainedClassFasterThanRandomDeletion()
    {
        const int steps = 8, count = 30;
        var scenes = TestScenes.Value.Take(count).ToList();
        var (rows, _) = PredictedClassMaps(CamMethod.GradCam, count);
        var random = new Random(3);
        var images = new List<float>();
        foreach (var (scene, map) in scenes.Zip(rows))
        {
            images.AddRange(DeletionCurve.Images(scene.Pixels, ClutterScenes.Shape, DeletionCurve.MostRelevantFirst(map.Map), steps));
            images.AddRange(DeletionCurve.Images(scene.Pixels, ClutterScenes.Shape, DeletionCurve.RandomOrder(map.Map.Length, random), steps));
        }
        var data = new InMemoryImageDataView(images.ToArray(), new uint[images.Count / ClutterScenes.Shape.Size], ClutterScenes.Shape);
        var scores = SceneFixture.Value.Classifier.Transform(data).GetColumn<float[]>("Score").ToArray();
        double Auc(int row, int first) =>
            DeletionCurve.Area(Enumerable.Range(first, steps + 1).Select(r => (double)scores[r][rows[row].Class]).ToArray());
        double byMap = Enumerable.Range(0, count).Average(i => Auc(i, 2 * i * (steps + 1)));
        double byChance = Enumerable.Range(0, count).Average(i => Auc(i, (2 * i + 1) * (steps + 1)));
        Assert.IsLessThan(byChance - 0.05, byMap, $"deletion AUC by the map {byMap} vs random {byChance}");
    }

    private static ActivationBox Box(ClutterScenes.Scene s) => new(s.X, s.Y, s.Width, s.Height);

    /// <summary>Each scene's map of its true class (the pointing game's protocol).</summary>
    private static float[][] TrueClassMaps(CamMethod method)
    {
        var scenes = TestScenes.Value;
        var maps = new float[scenes.Count][];
        foreach (string label in ClutterScenes.Classes)
        {
            var indices = Enumerable.Range(0, scenes.Count).Where(i => scenes[i].Label == label).ToArray();
            var data = ClutterScenes.ToDataView(CamMaps.Ml, indices.Select(i => scenes[i]));
            var (classMaps, _) = CamMaps.Run(SceneFixture.Value.Classifier, new() { Method = method, Target = CamTarget.Class(label) }, data);
            for (int k = 0; k < indices.Length; k++)
                maps[indices[k]] = classMaps[k];
        }
        return maps;
    }

    private static (List<(float[] Map, int Class)> Rows, ActivationBox[] Boxes) PredictedClassMaps(CamMethod method, int count = Scenes)
    {
        var data = ClutterScenes.ToDataView(CamMaps.Ml, TestScenes.Value.Take(count));
        var options = new ClassActivationMapOptions { Method = method, BoxColumnName = "Box" };
        using var transformer = CamMaps.Ml.Transforms.ClassActivationMaps(SceneFixture.Value.Classifier, options).Fit(data);
        var mapped = transformer.Transform(data);
        var (maps, classes) = CamMaps.Read(mapped, options);
        return (maps.Zip(classes).ToList(), mapped.GetColumn<float[]>("Box").Select(b => ActivationBox.From(b)).ToArray());
    }
}
