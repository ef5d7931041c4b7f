using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Tests.Explain;

namespace MlNetTriplet.CamBench;

/// <summary>What a map costs next to the classifier's own inference: the same rows through the classifier's
/// Transform (reading Score) and through each map method's Transform (reading the map), rounds alternating with the
/// order rotated, and the median of the per-round ratios. Bars (issue 12): CAM at most 1.2x, Grad-CAM at most 3x.</summary>
internal static class CostBench
{
    private static readonly CamMethod[] Methods =
        [CamMethod.Cam, CamMethod.GradCam, CamMethod.GradCamPlusPlus, CamMethod.HiResCam, CamMethod.EigenCam];

    internal sealed record Side(string Name, double MedianSeconds, double MinSeconds, double MaxSeconds,
        double MedianRatio, double MinRatio, double MaxRatio, double[] Seconds);

    internal sealed record Setting(string Model, string Input, int Rows, List<Side> Sides);

    public static int Run(Arguments args)
    {
        int rounds = args.Int("rounds", 5), seed = args.Int("seed", 0);
        string outDir = args.Text("out", "bench/results");
        var ml = new MLContext(seed);
        var settings = new List<Setting>();
        double[] loadBefore = LoadAverage();

        var train = ClutterScenes.ToDataView(ml, ClutterScenes.Generate(args.Int("train", 1000), seed * 2 + 1));
        var (scene, _) = SceneModels.Train(ml, train, args.Int("epochs", 1), seed);
        var sceneRows = ml.Data.Cache(ClutterScenes.ToDataView(ml, ClutterScenes.Generate(args.Int("rows", 1024), seed * 2 + 2)));
        settings.Add(Measure(ml, "scene CNN 48x48", "vectors", scene, sceneRows, rounds));

        var splits = ImageFolderSplits.Find(args.Text("data-dir", "data/caltech101"));
        var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromImageFolder(splits.Train));
        var transfer = ml.MulticlassClassification.Trainers.TransferLearning(new TransferLearningTrainer.Options
        {
            NumberOfEpochs = 1, Seed = seed,
        }).Fit(keys.Transform(ml.Data.LoadFromImageFolder(splits.Train)));
        var photos = ml.Data.TakeRows(ml.Data.LoadFromImageFolder(splits.Validation), args.Int("photos", 64));
        settings.Add(Measure(ml, "ResNet-18 transfer 224x224", "photo files", transfer, photos, rounds));
        settings.Add(Measure(ml, "ResNet-18 transfer 224x224", "prepared vectors", transfer, Prepared(ml, transfer, photos), rounds));

        double[] loadAfter = LoadAverage();
        Directory.CreateDirectory(outDir);
        string command = $"OMP_WAIT_POLICY=PASSIVE dotnet run --project bench/ClassActivationMaps -c Release -- cost --rounds {rounds}";
        File.WriteAllText(Path.Combine(outDir, "cam-cost.json"), JsonSerializer.Serialize(new
        {
            benchmark = "class activation map cost vs the classifier's own Transform",
            command, rounds, nproc = Environment.ProcessorCount,
            omp_wait_policy = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"), load_before = loadBefore, load_after = loadAfter,
            bars = "CAM <= 1.2x, Grad-CAM <= 3x the classifier's time (median of per-round ratios)",
            settings,
        }, new JsonSerializerOptions { WriteIndented = true }));
        File.WriteAllText(Path.Combine(outDir, "cam-cost.md"), Markdown(settings, command, loadBefore, loadAfter));
        foreach (var s in settings)
            foreach (var side in s.Sides)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{s.Model,-28} {s.Input,-17} {side.Name,-16} {side.MedianSeconds,8:F3}s  x{side.MedianRatio:F2} ({side.MinRatio:F2}-{side.MaxRatio:F2})"));
        return 0;
    }

    /// <summary>Times the classifier and every method on <paramref name="rows"/>, <paramref name="rounds"/> rounds
    /// after one warm-up pass of each, each round in a rotated order.</summary>
    private static Setting Measure(MLContext ml, string model, string input, ITransformer classifier, IDataView rows, int rounds)
    {
        var sides = new List<(string Name, IDataView View, string Column, IDisposable? Owner)>
        {
            ("classifier", classifier.Transform(rows), "Score", null),
        };
        foreach (var method in Methods)
        {
            var maps = ml.Transforms.ClassActivationMaps(classifier, method).Fit(rows);
            sides.Add((method.ToString(), maps.Transform(rows), "ActivationMap", maps));
        }
        int count = 0;
        foreach (var side in sides)
            count = Pass(side.View, side.Column);
        var seconds = sides.Select(_ => new double[rounds]).ToArray();
        for (int r = 0; r < rounds; r++)
            for (int k = 0; k < sides.Count; k++)
            {
                int s = (k + r) % sides.Count;
                var clock = Stopwatch.StartNew();
                Pass(sides[s].View, sides[s].Column);
                seconds[s][r] = clock.Elapsed.TotalSeconds;
            }
        var result = new List<Side>();
        for (int s = 0; s < sides.Count; s++)
        {
            var ratios = seconds[s].Select((t, r) => t / seconds[0][r]).ToArray();
            result.Add(new Side(sides[s].Name, Median(seconds[s]), seconds[s].Min(), seconds[s].Max(), Median(ratios),
                ratios.Min(), ratios.Max(), seconds[s]));
            sides[s].Owner?.Dispose();
        }
        return new Setting(model, input, count, result);
    }

    /// <summary>Reads <paramref name="column"/> of every row; returns the row count.</summary>
    private static int Pass(IDataView view, string column)
    {
        using var cursor = view.GetRowCursor([view.Schema[column]]);
        var getter = cursor.GetGetter<VBuffer<float>>(view.Schema[column]);
        VBuffer<float> value = default;
        int rows = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            rows++;
        }
        return rows;
    }

    /// <summary>The photos as prepared vectors under the photo column's name: the cost without decoding.</summary>
    private static IDataView Prepared(MLContext ml, TransferLearningTransformer transfer, IDataView photos)
    {
        using var maps = ml.Transforms.ClassActivationMaps(transfer, new ClassActivationMapOptions
        {
            PreparedImageColumnName = "Prepared",
        }).Fit(photos);
        var images = maps.Transform(photos).GetColumn<float[]>("Prepared").ToList();
        var schema = SchemaDefinition.Create(typeof(PreparedRow));
        schema[nameof(PreparedRow.ImagePath)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, images[0].Length);
        schema[nameof(PreparedRow.ImagePath)].ColumnName = transfer.ImageColumnName;
        return ml.Data.Cache(ml.Data.LoadFromEnumerable(images.Select(i => new PreparedRow { ImagePath = i }).ToList(), schema));
    }

    private sealed class PreparedRow
    {
        public float[] ImagePath { get; set; } = [];
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double[] LoadAverage() =>
        File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();

    private static string Markdown(List<Setting> settings, string command, double[] before, double[] after)
    {
        var md = new StringBuilder("# Class activation map cost\n\n");
        md.AppendLine($"`{command}`; load average before {string.Join(" ", before)}, after {string.Join(" ", after)}.").AppendLine();
        md.AppendLine("| model | input | rows | side | median s (min-max) | x classifier (min-max) | bar |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var s in settings)
            foreach (var side in s.Sides)
            {
                string bar = side.Name switch
                {
                    nameof(CamMethod.Cam) => side.MedianRatio <= 1.2 ? "<= 1.2: pass" : "<= 1.2: FAIL",
                    nameof(CamMethod.GradCam) => side.MedianRatio <= 3 ? "<= 3: pass" : "<= 3: FAIL",
                    _ => "",
                };
                md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {s.Model} | {s.Input} | {s.Rows} | {side.Name} | {side.MedianSeconds:F3} ({side.MinSeconds:F3}-{side.MaxSeconds:F3}) | {side.MedianRatio:F2} ({side.MinRatio:F2}-{side.MaxRatio:F2}) | {bar} |"));
            }
        return md.ToString();
    }
}
