using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using TorchSharp;

namespace MlNetTriplet.Bench;

/// <summary>The <c>triplet-one</c> command: one package run of one recipe as its users run it (LoadFromIdx ->
/// MapValueToKey -> TripletEmbedding -> Transform), in a process of its own. It writes the test and train embeddings
/// to <c>--embeddings-dir</c> for the parent to score with the peer's metric code, and prints its figures as JSON.</summary>
internal static class TripletPackageRun
{
    public static int Run(TripletOptions o)
    {
        torch.set_num_threads(o.Threads);
        string recipe = o.Recipe ?? throw new ArgumentException("--recipe is required.");
        string outDir = o.EmbeddingsDir ?? throw new ArgumentException("--embeddings-dir is required.");
        var ml = new MLContext(seed: o.Seed);
        var load = Stopwatch.StartNew();
        var train = IdxData.Load(ml, o.DataDir, "train", o.NTrain);
        var test = IdxData.Load(ml, o.DataDir, "t10k", o.NTest);
        load.Stop();

        var options = recipe == "semihard" ? TripletEmbeddingOptions.SemiHardRecipe() : TripletEmbeddingOptions.SoftmaxRatioRecipe();
        options.NumberOfEpochs = o.EpochsFor(recipe);
        options.Seed = o.Seed;
        var epochs = new List<EpochFigures>();
        options.MetricsCallback = m =>
        {
            var figures = new EpochFigures(m.Epoch, m.Seconds, m.Examples, m.ExamplesPerSecond, m.TrainLoss, null,
                ProcessMemory.CurrentRssMb());
            epochs.Add(figures);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  [package {recipe}] epoch {m.Epoch}: loss {m.TrainLoss:F4} {m.ExamplesPerSecond:F1} img/s, RSS {figures.RssMb:F0} MB"));
        };
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(ml.Transforms.TripletEmbedding(options));
        var fit = Stopwatch.StartNew();
        var model = pipeline.Fit(train);
        fit.Stop();

        // Transform is lazy: reading the column pulls every row through the package's batched cursor.
        var eval = Stopwatch.StartNew();
        var testEmbeddings = model.Transform(test).GetColumn<float[]>("Embedding").ToArray();
        eval.Stop();
        var trainEmbeddings = model.Transform(train).GetColumn<float[]>("Embedding").ToArray();
        Directory.CreateDirectory(outDir);
        Write(outDir, "test", testEmbeddings, test.GetColumn<uint>("Label").ToArray());
        Write(outDir, "train", trainEmbeddings, train.GetColumn<uint>("Label").ToArray());
        File.WriteAllText(Path.Combine(outDir, "dims.txt"), CnnOptions.Str(options.EmbeddingSize));

        double trainSeconds = epochs.Sum(e => e.Seconds);
        long images = epochs.Sum(e => e.Images);
        var result = new TripletRunResult
        {
            Side = "package", Recipe = recipe, Runtime = Child.RuntimeDescription, Epochs = epochs.Count, Threads = o.Threads,
            Seed = o.Seed, NTrain = trainEmbeddings.Length, NTest = testEmbeddings.Length, LoadSeconds = load.Elapsed.TotalSeconds,
            TrainSeconds = trainSeconds, TrainImages = images, TrainImagesPerSecond = images / trainSeconds,
            FitSeconds = fit.Elapsed.TotalSeconds, EvalImagesPerSecond = testEmbeddings.Length / eval.Elapsed.TotalSeconds,
            PeakRssMb = ProcessMemory.PeakRssMb() ?? double.NaN, EpochDetails = epochs, OmpEnv = Child.OmpEnv(),
        };
        Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(result, Json.Line));
        return 0;
    }

    private static void Write(string dir, string split, float[][] embeddings, uint[] labels)
    {
        using (var writer = new BinaryWriter(File.Create(Path.Combine(dir, split + ".f32"))))
            foreach (var row in embeddings)
                foreach (float v in row)
                    writer.Write(v);
        using var labelWriter = new BinaryWriter(File.Create(Path.Combine(dir, split + ".labels")));
        foreach (uint label in labels)
            labelWriter.Write((long)label);
    }
}
