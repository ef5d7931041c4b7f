using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Transforms;
using MlNetTriplet.Images;
using TorchSharp;

namespace MlNetTriplet.Bench;

/// <summary>The <c>onnx</c> command: for the Fashion-MNIST CNN and the CNTK ResNet-18 transfer classifier, the network
/// exported alone (<c>ExportNetworkToOnnx</c>) and scored by ONNX Runtime (CPU, <c>--threads</c> intra-op threads)
/// against the package's own <c>Transform</c> on the same rows and batch size, alternating, <c>--pairs</c> rounds;
/// the export's own time each round. Correctness first: both must give the same scores within 1e-4 and the same
/// class on every row, or the benchmark stops. Results: bench/results/onnx.{json,md}.</summary>
internal static class OnnxBenchmark
{
    private const double Tolerance = 1e-4;
    private const double ExportBarSeconds = 5;

    /// <summary>One network scored both ways: its rows as the package reads them and as ONNX Runtime's input.</summary>
    private sealed record Case(string Name, NetworkTransformer Model, IDataView Rows, float[] Inputs, int[] RowShape, string InputName)
    {
        public int Count => Inputs.Length / RowShape.Aggregate(1, (a, b) => a * b);
    }

    private sealed record Round(int Number, string First, double PackageSeconds, double OnnxSeconds, double ExportSeconds);

    private sealed record CaseResult(string Name, int Rows, double MaxAbsDifference, int SameClassRows, double SessionSeconds,
        long OnnxBytes, IReadOnlyList<Round> Rounds);

    public static int Run(OnnxBenchOptions o)
    {
        torch.set_num_threads(o.Threads);
        var started = DateTimeOffset.Now;
        string? loadAtStart = MachineInfo.LoadAverageNow();
        var ml = new MLContext(seed: 0);
        string scratch = Path.Combine(Path.GetTempPath(), "mlnettriplet-onnx-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var results = new[] { Cnn(ml, o), ResNet18(ml, o, scratch) }.Select(c => Measure(ml, o, c)).ToList();
            string repoRoot = RepoRoot.Find();
            string outDir = Path.GetFullPath(o.OutDir ?? Path.Combine(repoRoot, "bench", "results"));
            Directory.CreateDirectory(outDir);
            var machine = MachineInfo.Read();
            File.WriteAllText(Path.Combine(outDir, o.Name + ".json"), JsonSerializer.Serialize(new
            {
                settings = o, machine, omp_env = Child.OmpEnv(), started, finished = DateTimeOffset.Now,
                load_at_start = loadAtStart, load_at_end = MachineInfo.LoadAverageNow(), cases = results,
            }, Json.Indented));
            File.WriteAllText(Path.Combine(outDir, o.Name + ".md"), Markdown(o, machine, started, loadAtStart, results));
            Console.WriteLine($"Wrote {Path.Combine(outDir, o.Name)}.json and .md");
            return 0;
        }
        finally
        {
            if (Directory.Exists(scratch))
                Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>The default CNN trained briefly on Fashion-MNIST; its test images scored.</summary>
    private static Case Cnn(MLContext ml, OnnxBenchOptions o)
    {
        var train = IdxData.Load(ml, o.FashionDir, "train", o.CnnTrainRows);
        var test = IdxData.Load(ml, o.FashionDir, "t10k", o.CnnRows);
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train).Transform(train);
        Console.WriteLine($"Training the CNN on {o.CnnTrainRows} images, {o.CnnEpochs} epoch(s)...");
        var model = ml.MulticlassClassification.Trainers.Cnn(new CnnClassifierTrainer.Options
        {
            NumberOfEpochs = o.CnnEpochs, InferenceBatchSize = o.Batch,
        }).Fit(keyed);
        return new Case("CNN (Fashion-MNIST)", model, test, test.GetColumn<float[]>("Features").SelectMany(r => r).ToArray(),
            [1, 28, 28], "Features");
    }

    /// <summary>The CNTK ResNet-18 with a head trained one epoch on the training photos (frozen); the validation
    /// photos, prepared once (shorter side 256, centre 224), scored from the same pixels on both sides.</summary>
    private static Case ResNet18(MLContext ml, OnnxBenchOptions o, string scratch)
    {
        string data = o.NTrain > 0 || o.NVal > 0 ? PhotoSubset.Create(o.PhotoDir, o.NTrain, o.NVal, scratch) : o.PhotoDir;
        var splits = ImageFolderSplits.Find(data);
        var photos = ml.Data.LoadFromImageFolder(splits.Train);
        var keys = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(photos);
        Console.WriteLine($"Training the ResNet-18 head on {photos.GetRowCount()} photos (frozen backbone, 1 epoch)...");
        var model = ml.MulticlassClassification.Trainers.TransferLearning(new TransferLearningTrainer.Options
        {
            NumberOfEpochs = 1, InferenceBatchSize = o.Batch,
        }).Fit(keys.Transform(photos));

        var paths = ml.Data.LoadFromImageFolder(splits.Validation).GetColumn<string>("ImagePath").ToArray();
        int side = model.ImageSize, width = 3 * side * side;
        var pixels = new float[paths.Length * width];
        using (var preparer = new ImagePreparation(new ImageGeometry(new ImageShape(3, side, side), model.ResizeShorterSide)).CreatePreparer())
            for (int i = 0; i < paths.Length; i++)
                preparer.PrepareFile(paths[i], epoch: 0, i, pixels.AsSpan(i * width, width));
        var definition = SchemaDefinition.Create(typeof(PreparedPhoto));
        definition[nameof(PreparedPhoto.ImagePath)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        var rows = ml.Data.LoadFromEnumerable(Enumerable.Range(0, paths.Length)
            .Select(i => new PreparedPhoto { ImagePath = pixels.AsSpan(i * width, width).ToArray() }), definition);
        return new Case("ResNet-18 (CNTK, transfer)", model, rows, pixels, [3, side, side], model.ImageColumnName);
    }

    private sealed class PreparedPhoto
    {
        public float[] ImagePath { get; set; } = [];
    }

    private static CaseResult Measure(MLContext ml, OnnxBenchOptions o, Case c)
    {
        var clock = Stopwatch.StartNew();
        byte[] onnx = Export(ml, c.Model);
        Console.WriteLine($"{c.Name}: exported in {clock.Elapsed.TotalSeconds:F2} s ({onnx.Length / 1e6:F1} MB)");
        using var options = new SessionOptions { IntraOpNumThreads = o.Threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        clock.Restart();
        using var session = new InferenceSession(onnx, options);
        double sessionSeconds = clock.Elapsed.TotalSeconds;

        // Correctness before speed.
        float[] expected = PackageScores(c), actual = OnnxScores(session, c, o.Batch);
        double max = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        int classes = expected.Length / c.Count;
        int same = Enumerable.Range(0, c.Count).Count(r => ArgMax(expected, r, classes) == ArgMax(actual, r, classes));
        Console.WriteLine($"{c.Name}: max |ONNX Runtime - Transform| {max:E2} over {expected.Length} scores; same class on {same} of {c.Count} rows");
        if (max > Tolerance || same != c.Count)
            throw new InvalidOperationException($"{c.Name}: ONNX Runtime disagrees with Transform (max difference {max:E2}, {c.Count - same} rows of another class): no speed figures.");

        var rounds = new List<Round>();
        for (int round = 1; round <= o.Pairs; round++)
        {
            bool packageFirst = round % 2 == 1;
            double package = 0, onnxRun = 0;
            foreach (bool isPackage in packageFirst ? new[] { true, false } : [false, true])
            {
                clock.Restart();
                if (isPackage)
                    PackageScores(c);
                else
                    OnnxScores(session, c, o.Batch);
                double seconds = clock.Elapsed.TotalSeconds;
                if (isPackage)
                    package = seconds;
                else
                    onnxRun = seconds;
            }
            clock.Restart();
            Export(ml, c.Model);
            var r = new Round(round, packageFirst ? "package" : "onnx", package, onnxRun, clock.Elapsed.TotalSeconds);
            rounds.Add(r);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  round {round}: Transform {c.Count / package:F0} rows/s, ONNX Runtime {c.Count / onnxRun:F0} rows/s (x{package / onnxRun:F2}); export {r.ExportSeconds:F2} s"));
        }
        return new CaseResult(c.Name, c.Count, max, same, sessionSeconds, onnx.Length, rounds);
    }

    private static byte[] Export(MLContext ml, ITransformer model)
    {
        using var stream = new MemoryStream();
        ml.Model.ExportNetworkToOnnx(model, stream);
        return stream.ToArray();
    }

    /// <summary>Every row's Score through the package's lazy, batched cursor.</summary>
    private static float[] PackageScores(Case c)
    {
        var scored = c.Model.Transform(c.Rows);
        var column = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var scores = new List<float>();
        VBuffer<float> row = default;
        while (cursor.MoveNext())
        {
            getter(ref row);
            scores.AddRange(row.DenseValues());
        }
        return scores.ToArray();
    }

    /// <summary>Every row's Score from ONNX Runtime, in batches of <paramref name="batch"/> rows read in place from the
    /// prepared inputs.</summary>
    private static float[] OnnxScores(InferenceSession session, Case c, int batch)
    {
        int width = c.RowShape.Aggregate(1, (a, b) => a * b);
        var scores = new List<float>();
        for (int start = 0; start < c.Count; start += batch)
        {
            int rows = Math.Min(batch, c.Count - start);
            var input = new DenseTensor<float>(c.Inputs.AsMemory(start * width, rows * width), [rows, .. c.RowShape]);
            using var outputs = session.Run([NamedOnnxValue.CreateFromTensor(c.InputName, input)], ["Score"]);
            scores.AddRange(outputs[0].AsEnumerable<float>());
        }
        return scores.ToArray();
    }

    private static int ArgMax(float[] scores, int row, int classes)
    {
        int best = 0;
        for (int k = 1; k < classes; k++)
            if (scores[row * classes + k] > scores[row * classes + best])
                best = k;
        return best;
    }

    private static string Markdown(OnnxBenchOptions o, MachineInfo machine, DateTimeOffset started, string? loadAtStart,
        IReadOnlyList<CaseResult> results)
    {
        static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        var md = new StringBuilder("# ONNX Runtime on the exported network vs the package's Transform\n\n");
        md.Append(machine.ReportHeader(started, DateTimeOffset.Now, loadAtStart, MachineInfo.LoadAverageNow(), Child.OmpEnv()));
        md.Append($"- Settings: {o.Pairs} rounds alternating which side runs first, {o.Threads} threads on each side (libtorch; ONNX Runtime intra-op, sequential), batches of {o.Batch} rows on both; ONNX Runtime reads the rows from memory, Transform from an in-memory IDataView\n\n");
        md.Append("| network | rows | Transform rows/s | ONNX Runtime rows/s | ONNX Runtime / Transform | export s | max abs diff | same class |\n");
        md.Append("|---|---|---|---|---|---|---|---|\n");
        foreach (var r in results)
        {
            var ratio = Stats.Of(r.Rounds.Select(x => x.PackageSeconds / x.OnnxSeconds));
            md.Append($"| {r.Name} | {r.Rows} | {Stats.Range(Stats.Of(r.Rounds.Select(x => r.Rows / x.PackageSeconds)), "F0", "")} | " +
                      $"{Stats.Range(Stats.Of(r.Rounds.Select(x => r.Rows / x.OnnxSeconds)), "F0", "")} | {Stats.Range(ratio, "F2", "x")} | " +
                      $"{Stats.Range(Stats.Of(r.Rounds.Select(x => x.ExportSeconds)), "F2", "")} | {F(r.MaxAbsDifference, "E1")} | {r.SameClassRows}/{r.Rows} |\n");
        }
        md.Append("\nMedians (min .. max) over the rounds; the ratio is taken within each round.\n\n");
        foreach (var r in results)
        {
            var ratio = Stats.Of(r.Rounds.Select(x => x.PackageSeconds / x.OnnxSeconds))!;
            md.Append($"- {r.Name}: ONNX Runtime is {(ratio.Median >= 1 ? "faster" : "slower")} than Transform, {F(ratio.Median, "F2")}x its rows/s " +
                      $"(session created in {F(r.SessionSeconds, "F2")} s, model {F(r.OnnxBytes / 1e6, "F1")} MB).\n");
        }
        var resnet = results[^1];
        var export = Stats.Of(resnet.Rounds.Select(x => x.ExportSeconds))!;
        md.Append($"- Export of the ResNet-18: {F(export.Median, "F2")} s median (slowest round {F(export.Max, "F2")} s), bar < {F(ExportBarSeconds, "F0")} s: median {(export.Median < ExportBarSeconds ? "pass" : "FAIL")}, every round {(export.Max < ExportBarSeconds ? "pass" : "FAIL")}.\n");
        return md.ToString();
    }
}
