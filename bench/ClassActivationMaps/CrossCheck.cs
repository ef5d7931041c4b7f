using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using MlNetTriplet.Backbones;
using MlNetTriplet.Evaluation;
using MlNetTriplet.Persistence;
using MlNetTriplet.Tests.Explain;
using static TorchSharp.torch;

namespace MlNetTriplet.CamBench;

/// <summary>The PyTorch cross-check: the same weights and the same network inputs through bench/cam_reference.py, and
/// the Pearson correlation of each of our maps with PyTorch's, for CAM and Grad-CAM (predicted class and runner-up
/// contrast, last block and an earlier one), on the scene CNN and on a ResNet-18 transfer classifier.</summary>
internal static class CrossCheck
{
    private const double Bar = 0.99;

    /// <summary>One map computation to compare: the options of ours, the same case for the script.</summary>
    internal sealed record Case(string Name, CamMethod Method, string Layer, string Target);

    internal sealed record CaseResult(string Model, string Case, int Maps, double MinPearson, double MeanPearson,
        double MaxDifference, int ClassesAgreeing, bool Pass);

    public static int Run(Arguments args)
    {
        string work = args.Text("work", Path.Combine(Path.GetTempPath(), "mlnettriplet-cam-crosscheck"));
        string python = args.Text("python", "/usr/bin/python3");
        string outDir = args.Text("out", "bench/results");
        string? fixture = args.Optional("fixture");
        int seed = args.Int("seed", 0);
        var clock = Stopwatch.StartNew();
        var ml = new MLContext(seed);
        var results = new List<CaseResult>();

        var (scene, sceneClassifier) = SceneModels.LoadOrTrain(ml, args.Text("model", SceneModels.DefaultPath),
            () => ClutterScenes.ToDataView(ml, ClutterScenes.Generate(args.Int("train", 4000), seed * 2 + 1)),
            args.Int("epochs", 10), seed);
        var sceneImages = ClutterScenes.ToDataView(ml, ClutterScenes.Generate(args.Int("images", 6), seed * 2 + 2));
        string sceneDir = Path.Combine(work, "scene-cnn");
        Case[] sceneCases =
        [
            new("cam", CamMethod.Cam, "block2", "Predicted"),
            new("gradcam", CamMethod.GradCam, "block2", "Predicted"),
            new("gradcam-block1", CamMethod.GradCam, "block1", "Predicted"),
            new("cam-contrast", CamMethod.Cam, "block2", "PredictedVersusRunnerUp"),
            new("gradcam-contrast", CamMethod.GradCam, "block2", "PredictedVersusRunnerUp"),
        ];
        results.AddRange(Compare(ml, "scene CNN", scene, sceneImages, sceneCases, sceneDir, python,
            new Spec("cnn", sceneClassifier.Architecture, sceneClassifier.ImageShape, sceneClassifier.ClassCount),
            directory => WeightFiles.WritePyTorch(Path.Combine(directory, "network.pt"), sceneClassifier.Cnn.state_dict())));
        if (fixture is not null)
        {
            Directory.CreateDirectory(fixture);
            foreach (string file in new[] { "spec.json", "network.pt", "input.pt", "reference.pt" })
                File.Copy(Path.Combine(sceneDir, file), Path.Combine(fixture, file), overwrite: true);
            Console.WriteLine($"wrote the test fixture to {fixture}");
        }

        string photoSet = args.Text("data-dir", "data/caltech101");
        var splits = ImageFolderSplits.Find(photoSet);
        var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromImageFolder(splits.Train));
        var transferTrain = keys.Transform(ml.Data.LoadFromImageFolder(splits.Train));
        var transfer = ml.MulticlassClassification.Trainers.TransferLearning(new TransferLearningTrainer.Options
        {
            NumberOfEpochs = args.Int("transfer-epochs", 5), Seed = seed,
        }).Fit(transferTrain);
        var photos = ml.Data.TakeRows(ml.Data.ShuffleRows(ml.Data.LoadFromImageFolder(splits.Validation), seed),
            args.Int("photos", 16));
        Case[] photoCases =
        [
            new("cam", CamMethod.Cam, "layer4", "Predicted"),
            new("gradcam", CamMethod.GradCam, "layer4", "Predicted"),
            new("gradcam-layer3", CamMethod.GradCam, "layer3", "Predicted"),
            new("gradcam-contrast", CamMethod.GradCam, "layer4", "PredictedVersusRunnerUp"),
        ];
        results.AddRange(Compare(ml, $"ResNet-18 transfer ({Path.GetFileName(Path.TrimEndingDirectorySeparator(photoSet))})", transfer, photos, photoCases,
            Path.Combine(work, "resnet18"), python,
            new Spec("resnet18-cntk", null, new ImageShape(3, transfer.ImageSize, transfer.ImageSize), transfer.ClassCount),
            directory =>
            {
                transfer.Network.Backbone.ExportTorchVisionStateDict(Path.Combine(directory, "network.pt"));
                var fc = transfer.Network.Classifier;
                WeightFiles.WritePyTorch(Path.Combine(directory, "head.pt"),
                    new Dictionary<string, Tensor> { ["weight"] = fc.weight!, ["bias"] = fc.bias! });
            }));

        foreach (var r in results)
            Console.WriteLine(r);
        Directory.CreateDirectory(outDir);
        string command = "dotnet run --project bench/ClassActivationMaps -c Release -- crosscheck";
        File.WriteAllText(Path.Combine(outDir, "cam-crosscheck.json"), JsonSerializer.Serialize(new
        {
            benchmark = "class activation maps: MlNetTriplet vs PyTorch 1.13 on the same weights and inputs",
            command, reference = "bench/cam_reference.py (forward hook + torch.autograd.grad)", bar = $"Pearson >= {Bar} per map",
            results, seconds = clock.Elapsed.TotalSeconds,
        }, new JsonSerializerOptions { WriteIndented = true }));
        File.WriteAllText(Path.Combine(outDir, "cam-crosscheck.md"), Markdown(results, command, photoSet));
        return results.All(r => r.Pass) ? 0 : 1;
    }

    /// <summary>Our maps for every case, the network input they were computed on, then the script's, compared.</summary>
    private static List<CaseResult> Compare(MLContext ml, string model, ITransformer classifier, IDataView data, Case[] cases,
        string directory, string python, Spec spec, Action<string> exportWeights)
    {
        Directory.CreateDirectory(directory);
        var ours = new Dictionary<string, List<CamRow>>();
        foreach (var c in cases)
        {
            using var maps = ml.Transforms.ClassActivationMaps(classifier, new ClassActivationMapOptions
            {
                Method = c.Method, LayerName = c.Layer, PreparedImageColumnName = "Prepared",
                Target = c.Target == "Predicted" ? CamTarget.PredictedClass : CamTarget.PredictedVersusRunnerUp,
            }).Fit(data);
            ours[c.Name] = CamRows.Read(maps.Transform(classifier.Transform(data)), image: "Prepared");
        }
        var first = ours[cases[0].Name];
        var shape = spec.Shape;
        using (var images = tensor(first.SelectMany(r => r.Image!).ToArray(), [first.Count, shape.Channels, shape.Height, shape.Width]))
            WeightFiles.WritePyTorch(Path.Combine(directory, "input.pt"), new Dictionary<string, Tensor> { ["images"] = images });
        exportWeights(directory);
        var json = JsonSerializer.SerializeToNode(new
        {
            kind = spec.Kind, architecture = spec.Architecture, image_shape = new[] { shape.Channels, shape.Height, shape.Width },
            classes = spec.Classes,
        }, ModelFormat.Json)!.AsObject();
        json["cases"] = JsonSerializer.SerializeToNode(cases.Select(c => new { name = c.Name, method = c.Method.ToString(), layer = c.Layer, target = c.Target }));
        File.WriteAllText(Path.Combine(directory, "spec.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        var run = Process.Start(new ProcessStartInfo(python) { ArgumentList = { Path.Combine(RepoPath(), "bench", "cam_reference.py"), directory } })!;
        run.WaitForExit();
        if (run.ExitCode != 0)
            throw new InvalidOperationException($"bench/cam_reference.py failed with exit code {run.ExitCode}.");

        var reference = WeightFiles.Read(Path.Combine(directory, "reference.pt"));
        var results = new List<CaseResult>();
        foreach (var c in cases)
        {
            var maps = reference[c.Name].to_type(ScalarType.Float32).flatten(1);
            var classes = reference[c.Name + ".classes"].to_type(ScalarType.Int64).data<long>().ToArray();
            var rows = ours[c.Name];
            var theirs = rows.Select((_, i) => maps[i].data<float>().ToArray()).ToArray();
            var pearson = rows.Select((r, i) => LocalisationMetrics.Pearson(
                r.Map.Select(v => (double)v).ToArray(), theirs[i].Select(v => (double)v).ToArray())).ToArray();
            double difference = rows.Select((r, i) => r.Map.Zip(theirs[i]).Max(p => Math.Abs(p.First - p.Second))).Max();
            int agreeing = rows.Where((r, i) => r.Explained - 1 == classes[i]).Count();
            results.Add(new CaseResult(model, c.Name, rows.Count, pearson.Min(), pearson.Average(), difference, agreeing,
                pearson.Min() >= Bar && agreeing == rows.Count));
        }
        foreach (var t in reference.Values)
            t.Dispose();
        return results;
    }

    /// <summary>What the script needs to rebuild the network (the architecture for a CNN).</summary>
    internal sealed record Spec(string Kind, CnnArchitecture? Architecture, ImageShape Shape, int Classes);

    /// <summary>The repository root: the working directory (the harness runs from there).</summary>
    private static string RepoPath() => Directory.GetCurrentDirectory();

    private static string Markdown(List<CaseResult> results, string command, string photoSet)
    {
        var md = new StringBuilder("# Class activation maps: MlNetTriplet vs PyTorch\n\n");
        md.AppendLine($"`{command}` (PyTorch 1.13 side: `bench/cam_reference.py`, forward hook + `torch.autograd.grad`).").AppendLine();
        md.AppendLine("| model | case | maps | min Pearson | 1 - min Pearson | max abs. difference (maps in [0, 1]) | same explained class | Pearson >= 0.99 |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Model} | {r.Case} | {r.Maps} | {r.MinPearson:F6} | {1 - r.MinPearson:0.0E+0} | {r.MaxDifference:0.0E+0} | {r.ClassesAgreeing}/{r.Maps} | {(r.Pass ? "pass" : "FAIL")} |"));
        md.AppendLine().AppendLine($"Cases: `cam`/`gradcam` at the last block for the predicted class; `gradcam-block1`/`gradcam-layer3` at the block before; `*-contrast` the predicted class against the runner-up (logit difference). Scene CNN: the network of cam-localisation.md; ResNet-18: ImageNet weights (CNTK, from Microsoft.ML.DnnImageFeaturizer.ResNet18), frozen, head trained 5 epochs on the photos of `{photoSet}`; 16 validation photos, 224 x 224 crops.");
        return md.ToString();
    }
}
