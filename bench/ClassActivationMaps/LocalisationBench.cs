using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Evaluation;
using MlNetTriplet.Explain;
using MlNetTriplet.Plots;
using MlNetTriplet.Tests.Explain;

namespace MlNetTriplet.CamBench;

/// <summary>Is the map right, on generated scenes whose object boxes are known: pointing game and box IoU against a
/// centre-point baseline, the randomisation sanity check, and deletion faithfulness, for every method.</summary>
internal static class LocalisationBench
{
    private const int DeletionSteps = 16, GalleryCount = 24;
    private const string TrueBoxColour = "#ffffff", MapBoxColour = "#39ff14";

    public static int Run(Arguments args)
    {
        int trainCount = args.Int("train", 4000), testCount = args.Int("test", 400), epochs = args.Int("epochs", 10);
        int seed = args.Int("seed", 0), deletionCount = args.Int("deletion", 100);
        string outDir = args.Text("out", "bench/results");
        Directory.CreateDirectory(outDir);
        var clock = Stopwatch.StartNew();
        var ml = new MLContext(seed);
        var testScenes = ClutterScenes.Generate(testCount, seed * 2 + 2);
        var train = ClutterScenes.ToDataView(ml, ClutterScenes.Generate(trainCount, seed * 2 + 1));
        var test = ClutterScenes.ToDataView(ml, testScenes);
        var (model, classifier) = SceneModels.Train(ml, train, epochs, seed);
        double trainSeconds = clock.Elapsed.TotalSeconds;
        ml.Model.Save(model, train.Schema, args.Text("save-model", SceneModels.DefaultPath));
        var accuracy = ml.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
        Console.WriteLine($"trained {epochs} epochs on {trainCount} scenes in {trainSeconds:F0}s; test accuracy {accuracy:F4}");
        using var randomised = SceneModels.Randomised(classifier, train.Schema, seed + 1000);
        var truth = testScenes.Select(s => new ActivationBox(s.X, s.Y, s.Width, s.Height)).ToArray();
        double centre = truth.Average(b => b.Contains(ClutterScenes.Side / 2, ClutterScenes.Side / 2) ? 1.0 : 0.0);

        var results = new List<MethodResult>();
        var overlays = new Dictionary<CamMethod, List<CamRow>>();
        foreach (var method in Enum.GetValues<CamMethod>())
        {
            var methodClock = Stopwatch.StartNew();
            var rows = Maps(ml, model, method, test);
            double seconds = methodClock.Elapsed.TotalSeconds;
            var randomRows = Maps(ml, randomised, method, test);
            var trueClassHits = TrueClassPointing(ml, model, method, testScenes, truth);
            overlays[method] = rows;
            var result = Measure(method, rows, randomRows, trueClassHits, truth, testScenes, classifier, deletionCount, seed, seconds);
            results.Add(result);
            Console.WriteLine(result);
            SaveGallery(method, rows, testScenes, Path.Combine(outDir, $"cam-scenes-{Slug(method)}.png"));
        }
        SaveMethodComparison(overlays, testScenes, Path.Combine(outDir, "cam-scenes-methods.png"));
        var report = new
        {
            benchmark = "class activation maps on generated scenes",
            command = $"dotnet run --project bench/ClassActivationMaps -c Release -- localisation --train {trainCount} --test {testCount} --epochs {epochs} --seed {seed} --deletion {deletionCount}",
            scenes = new { side = ClutterScenes.Side, classes = ClutterScenes.Classes, train = trainCount, test = testCount },
            architecture = "conv16-bn-pool, conv32-bn-pool, conv64-bn, global average pool, dense",
            epochs, seed, test_accuracy = accuracy, train_seconds = trainSeconds,
            centre_baseline_pointing = centre,
            deletion = new { images = deletionCount, steps = DeletionSteps, fill = "image mean colour", random_orders = 1 },
            methods = results,
            total_seconds = clock.Elapsed.TotalSeconds,
        };
        File.WriteAllText(Path.Combine(outDir, "cam-localisation.json"),
            JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        File.WriteAllText(Path.Combine(outDir, "cam-localisation.md"), Markdown(results, accuracy, centre, report.command, testCount));
        Console.WriteLine($"wrote {outDir}/cam-localisation.json, .md and the galleries ({clock.Elapsed.TotalSeconds:F0}s)");
        return 0;
    }

    private static List<CamRow> Maps(MLContext ml, ITransformer classifier, CamMethod method, IDataView data,
        CamTarget? target = null)
    {
        using var maps = ml.Transforms.ClassActivationMaps(classifier, new ClassActivationMapOptions
        {
            Method = method, BoxColumnName = "Box", Target = target ?? CamTarget.PredictedClass,
        }).Fit(data);
        return CamRows.Read(maps.Transform(classifier.Transform(data)));
    }

    /// <summary>The pointing game as Zhang et al. play it: each scene's map of its true class, whatever the prediction.</summary>
    private static bool[] TrueClassPointing(MLContext ml, ITransformer model, CamMethod method, List<ClutterScenes.Scene> scenes,
        ActivationBox[] truth)
    {
        var hits = new bool[scenes.Count];
        foreach (string label in ClutterScenes.Classes)
        {
            var indices = Enumerable.Range(0, scenes.Count).Where(i => scenes[i].Label == label).ToArray();
            var rows = Maps(ml, model, method, ClutterScenes.ToDataView(ml, indices.Select(i => scenes[i])), CamTarget.Class(label));
            for (int k = 0; k < indices.Length; k++)
                hits[indices[k]] = LocalisationMetrics.PointingHit(rows[k].Map, ClutterScenes.Side, truth[indices[k]]);
        }
        return hits;
    }

    internal sealed record MethodResult(string Method, double Pointing, double PointingPredicted, double PointingCorrect, double MeanIou,
        double IouAtLeastHalf, double RandomisedRankCorrelation, double RandomisedRankCorrelationMedian, bool SanityPass,
        double DeletionAucMap, double DeletionAucRandom, double DeletionMapBetterRate, double Seconds)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Method,-16} pointing {Pointing:F3} (predicted class {PointingPredicted:F3}, correct {PointingCorrect:F3})  IoU>=0.5 {IouAtLeastHalf:F3} (mean {MeanIou:F3})  rank corr vs random {RandomisedRankCorrelation:F3}  deletion AUC {DeletionAucMap:F3} vs random {DeletionAucRandom:F3}  {Seconds:F1}s");
    }

    private static MethodResult Measure(CamMethod method, List<CamRow> rows, List<CamRow> randomRows, bool[] trueClassHits,
        ActivationBox[] truth, List<ClutterScenes.Scene> scenes, CnnClassifierTransformer classifier, int deletionCount,
        int seed, double seconds)
    {
        var hits = rows.Select((r, i) => LocalisationMetrics.PointingHit(r.Map, ClutterScenes.Side, truth[i])).ToArray();
        var correct = rows.Select((r, i) => ClutterScenes.Classes[r.Predicted - 1] == scenes[i].Label).ToArray();
        var ious = rows.Select((r, i) => ActivationBox.From(r.Box).IntersectionOverUnion(truth[i])).ToArray();
        var correlations = rows.Select((r, i) => LocalisationMetrics.RankCorrelation(r.Map, randomRows[i].Map)).Order().ToArray();
        var (aucMap, aucRandom, better) = Deletion(rows, scenes, classifier, deletionCount, seed);
        double meanCorrelation = correlations.Average();
        return new MethodResult(method.ToString(), trueClassHits.Average(h => h ? 1.0 : 0.0), hits.Average(h => h ? 1.0 : 0.0),
            hits.Where((_, i) => correct[i]).Average(h => h ? 1.0 : 0.0), ious.Average(), ious.Average(v => v >= 0.5 ? 1.0 : 0.0),
            meanCorrelation, correlations[correlations.Length / 2], meanCorrelation < 0.5, aucMap, aucRandom, better, seconds);
    }

    /// <summary>Mean deletion AUC of the explained class's probability, most relevant pixels first vs a random order,
    /// and the share of images where the map's order drops it faster.</summary>
    private static (double Map, double Random, double Better) Deletion(List<CamRow> rows, List<ClutterScenes.Scene> scenes,
        CnnClassifierTransformer classifier, int count, int seed)
    {
        var random = new Random(seed);
        int n = Math.Min(count, rows.Count), plane = ClutterScenes.Side * ClutterScenes.Side, perImage = DeletionSteps + 1;
        var images = new List<float>();
        for (int i = 0; i < n; i++)
        {
            images.AddRange(DeletionCurve.Images(scenes[i].Pixels, ClutterScenes.Shape, DeletionCurve.MostRelevantFirst(rows[i].Map), DeletionSteps));
            images.AddRange(DeletionCurve.Images(scenes[i].Pixels, ClutterScenes.Shape, DeletionCurve.RandomOrder(plane, random), DeletionSteps));
        }
        var data = new InMemoryImageDataView(images.ToArray(), new uint[2 * n * perImage], ClutterScenes.Shape);
        var scores = classifier.Transform(data).GetColumn<float[]>("Score").ToArray();
        double mapSum = 0, randomSum = 0, better = 0;
        for (int i = 0; i < n; i++)
        {
            int target = (int)rows[i].Explained - 1;
            double Auc(int first) => DeletionCurve.Area(Enumerable.Range(first, perImage).Select(r => (double)scores[r][target]).ToArray());
            double map = Auc(2 * i * perImage), shuffled = Auc((2 * i + 1) * perImage);
            mapSum += map;
            randomSum += shuffled;
            better += map < shuffled ? 1 : 0;
        }
        return (mapSum / n, randomSum / n, better / n);
    }

    private static void SaveGallery(CamMethod method, List<CamRow> rows, List<ClutterScenes.Scene> scenes, string path)
    {
        var tiles = new List<GalleryImage>();
        for (int i = 0; i < Math.Min(GalleryCount, rows.Count); i++)
        {
            var (row, scene) = (rows[i], scenes[i]);
            string predicted = ClutterScenes.Classes[row.Predicted - 1];
            var box = ActivationBox.From(row.Box);
            var truth = new ActivationBox(scene.X, scene.Y, scene.Width, scene.Height);
            tiles.Add(new GalleryImage(CamOverlays.Blend(scene.Pixels, ClutterScenes.Shape, row.Map),
                new ImageShape(3, ClutterScenes.Side, ClutterScenes.Side),
                string.Create(CultureInfo.InvariantCulture,
                    $"true {scene.Label}\npred {predicted} {row.Scores[row.Predicted - 1]:F2}\nbox IoU {box.IntersectionOverUnion(truth):F2}"))
            {
                Boxes = [Box(truth, TrueBoxColour), Box(box, MapBoxColour)],
                Highlight = predicted != scene.Label,
            });
        }
        ImageGallery.Save(tiles, path, columns: 8, tileSize: 144,
            title: $"{method} on generated scenes: white = object, green = map box (20% of max)");
    }

    /// <summary>The first images, each as itself then under every method's map.</summary>
    private static void SaveMethodComparison(Dictionary<CamMethod, List<CamRow>> rows, List<ClutterScenes.Scene> scenes, string path)
    {
        var tiles = new List<GalleryImage>();
        var shape = new ImageShape(3, ClutterScenes.Side, ClutterScenes.Side);
        for (int i = 0; i < 6; i++)
        {
            var truth = new ActivationBox(scenes[i].X, scenes[i].Y, scenes[i].Width, scenes[i].Height);
            tiles.Add(new GalleryImage(scenes[i].Pixels, shape, $"{scenes[i].Label}") { Boxes = [Box(truth, TrueBoxColour)] });
            foreach (var (method, methodRows) in rows)
                tiles.Add(new GalleryImage(CamOverlays.Blend(scenes[i].Pixels, ClutterScenes.Shape, methodRows[i].Map), shape,
                    method.ToString()));
        }
        ImageGallery.Save(tiles, path, columns: rows.Count + 1, tileSize: 144, title: "Every method on the same scenes");
    }

    private static GalleryBox Box(ActivationBox b, string colour) => new(b.X, b.Y, b.Width, b.Height, colour);

    private static string Slug(CamMethod method) => method.ToString().ToLowerInvariant();

    private static string Markdown(List<MethodResult> results, double accuracy, double centre, string command, int tests)
    {
        var md = new StringBuilder();
        md.AppendLine("# Class activation maps on generated scenes").AppendLine();
        md.AppendLine($"`{command}`").AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{tests} test scenes (48 x 48, one disc/square/triangle/cross in clutter, box known); scene CNN test accuracy {accuracy:F4}; centre-point baseline pointing game {centre:F3}."));
        md.AppendLine().AppendLine("| method | pointing game (true class) | pointing (predicted class) | pointing (correct predictions) | box IoU >= 0.5 | mean IoU | rank corr. vs randomised net (mean / median) | sanity (< 0.5) | deletion AUC map / random | map faster | seconds |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Method} | {r.Pointing:F3} | {r.PointingPredicted:F3} | {r.PointingCorrect:F3} | {r.IouAtLeastHalf:F3} | {r.MeanIou:F3} | {r.RandomisedRankCorrelation:F3} / {r.RandomisedRankCorrelationMedian:F3} | {(r.SanityPass ? "pass" : "FAIL")} | {r.DeletionAucMap:F3} / {r.DeletionAucRandom:F3} | {r.DeletionMapBetterRate:F2} | {r.Seconds:F1} |"));
        md.AppendLine().AppendLine("Pointing game: the map's maximum inside the object's box (no tolerance), with the map of the scene's true class (Zhang et al.), of the predicted class, and of the predicted class on correctly classified scenes. Box: the largest region above 20% of the map's maximum (the CAM paper's rule), IoU with the object's box. Randomisation: Spearman correlation of each map with the map of the same architecture with fresh random weights. Deletion: the explained class's probability as the most relevant pixels (by the map) are replaced by the image's mean colour in 16 steps, area under that curve, against a random order; 'map faster' is the share of images where the map's order gives the smaller area.");
        md.AppendLine().AppendLine("Bars (issue 12): pointing game >= 0.90 for CAM and Grad-CAM, clearly above the centre baseline; rank correlation with a randomised network's maps < 0.5 for every method. Galleries: `cam-scenes-<method>.png`, `cam-scenes-methods.png`.");
        return md.ToString();
    }
}
