using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Networks;
using TorchSharp;

namespace MlNetTriplet.Bench;

/// <summary>The <c>triplet-unseen</c> command (issue 24): trains <c>TripletEmbedding</c> on the training images of
/// Fashion-MNIST classes 0-4 for each setting and seed, and scores retrieval among the test images of classes 5-9
/// (never seen) and of classes 0-4 (seen), after every epoch. The trainer reports per-epoch figures but not the
/// network, so the curve comes from resuming its checkpoint one epoch further each time (the same batches, dropout
/// and optimiser state as one long run: <c>--final-only</c> trains in one Fit to check that).</summary>
internal static class TripletUnseenStudy
{
    public static int Run(TripletUnseenOptions o)
    {
        torch.set_num_threads(o.Threads);
        var started = DateTimeOffset.Now;
        string? loadAtStart = MachineInfo.LoadAverageNow();
        var ml = new MLContext(seed: 0);
        var data = TripletUnseenData.Load(ml, o.DataDir, o.TrainRows);
        Console.Error.WriteLine($"Training images of classes 0-4: {data.TrainRows:N0}; test images: {data.Seen.Labels.Length:N0} seen, " +
            $"{data.Unseen.Labels.Length:N0} unseen.");
        var pixels = new UnseenLayer("raw pixels", data.Shape.Size, RetrievalFigures.Of(ml, data.Seen.Images, data.Seen.Labels),
            RetrievalFigures.Of(ml, data.Unseen.Images, data.Unseen.Labels));
        Print("raw pixels", pixels.Seen, pixels.Unseen);

        string outDir = o.OutDir ?? Path.Combine(RepoRoot.Find(), "bench", "results");
        Directory.CreateDirectory(outDir);
        string jsonPath = Path.Combine(outDir, o.Name + ".json");
        var runs = o.Append && File.Exists(jsonPath) ? TripletUnseenReport.ReadRuns(jsonPath) : [];
        foreach (var setting in o.Settings)
            foreach (int seed in o.Seeds)
            {
                var run = RunOne(ml, data, setting, seed, o);
                runs.RemoveAll(r => r.SameAs(run));
                runs.Add(run);
                // Written after every run: a study cut short keeps what it measured.
                new TripletUnseenReport(o, MachineInfo.Read(), started, loadAtStart, Child.OmpEnv(), RepoRoot.DataName(o.DataDir), pixels, runs)
                    .Write(outDir);
            }
        return 0;
    }

    private static TripletUnseenRun RunOne(MLContext ml, TripletUnseenData data, TripletUnseenSetting setting, int seed,
        TripletUnseenOptions o)
    {
        string? loadBefore = MachineInfo.LoadAverageNow();
        var wall = Stopwatch.StartNew();
        int epochs = setting.Options(o.Epochs, seed).NumberOfEpochs;
        Console.Error.WriteLine($"== {setting.Name}, seed {seed}, {epochs} epoch(s){(o.FinalOnly ? ", one Fit" : "")}");
        var curve = new List<UnseenEpoch> { Initialised(ml, data, setting, seed, o.Epochs) };
        Print("epoch 0", curve[0].Seen, curve[0].Unseen);
        var layers = new List<UnseenLayer>();
        string? checkpoints = o.FinalOnly ? null : Directory.CreateTempSubdirectory("mlnettriplet-unseen-").FullName;
        try
        {
            for (int upTo = o.FinalOnly ? epochs : 1; upTo <= epochs; upTo++)
            {
                var options = setting.Options(o.Epochs, seed);
                options.NumberOfEpochs = upTo;
                options.CheckpointDirectory = checkpoints;
                options.ResumeFromCheckpoint = checkpoints is not null;
                var reported = new List<EpochMetrics>();
                options.MetricsCallback = reported.Add;
                var model = ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label")
                    .Append(ml.Transforms.TripletEmbedding(options)).Fit(data.Train);
                using var embedding = model.LastTransformer;
                var seen = Measure(ml, embedding, data.Seen);
                var unseen = Measure(ml, embedding, data.Unseen);
                var last = reported[^1];
                curve.Add(new UnseenEpoch(upTo, last.TrainLoss, reported.Sum(m => m.Seconds), seen, unseen));
                Print(string.Create(CultureInfo.InvariantCulture, $"epoch {upTo} (loss {last.TrainLoss:F4}, {reported.Sum(m => m.Seconds):F0} s)"),
                    seen, unseen);
                if (upTo == epochs)
                    foreach (var (layer, forward) in NetworkFeatures.InnerLayers((EmbeddingNetwork)embedding.Network))
                        layers.Add(Layer(ml, data, layer, forward));
            }
        }
        finally
        {
            if (checkpoints is not null)
                Directory.Delete(checkpoints, recursive: true);
        }
        foreach (var layer in layers)
            Print(layer.Layer, layer.Seen, layer.Unseen);
        return new TripletUnseenRun(setting.Name, seed, data.TrainRows, !o.FinalOnly, epochs,
            curve.Sum(e => e.TrainSeconds ?? 0), wall.Elapsed.TotalSeconds, DateTimeOffset.Now, loadBefore,
            MachineInfo.LoadAverageNow(), curve, layers);
    }

    /// <summary>Epoch 0: the network as <c>Fit</c> initialises it for this seed (the same seed before the same
    /// constructor), before any step, through the same eval-mode forward as the inner layers.</summary>
    private static UnseenEpoch Initialised(MLContext ml, TripletUnseenData data, TripletUnseenSetting setting, int seed, int epochs)
    {
        var o = setting.Options(epochs, seed);
        var spec = new EmbeddingNetworkSpec(data.Shape.Size, data.Shape, o.Architecture ?? TripletEmbeddingOptions.DefaultCnn, null,
            o.EmbeddingSize, o.EmbeddingActivation, o.NormalizeEmbedding, o.EmbeddingBatchNorm);
        torch.manual_seed(seed);
        using var network = new EmbeddingNetwork(spec);
        network.eval();
        var layer = Layer(ml, data, "initialised", network.forward);
        return new UnseenEpoch(0, null, null, layer.Seen, layer.Unseen);
    }

    private static RetrievalFigures Measure(MLContext ml, TripletEmbeddingTransformer embedding, TripletUnseenData.TestRows rows) =>
        RetrievalFigures.Of(ml, embedding.Transform(rows.View).GetColumn<float[]>(embedding.OutputColumnName).ToArray(), rows.Labels);

    private static UnseenLayer Layer(MLContext ml, TripletUnseenData data, string name, Func<torch.Tensor, torch.Tensor> forward)
    {
        var seen = NetworkFeatures.Run(forward, data.Seen.Images, data.Shape);
        var unseen = NetworkFeatures.Run(forward, data.Unseen.Images, data.Shape);
        return new UnseenLayer(name, seen[0].Length, RetrievalFigures.Of(ml, seen, data.Seen.Labels),
            RetrievalFigures.Of(ml, unseen, data.Unseen.Labels));
    }

    private static void Print(string what, RetrievalFigures seen, RetrievalFigures unseen) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what}: unseen P@1 {unseen.PrecisionAt1:F4} MAP@R {unseen.MapAtR:F4} (rank {unseen.Spread.EffectiveRank:F1}, " +
            $"leading {unseen.Spread.LeadingShare:F2}, within {unseen.Spread.WithinClassShare:F2}); " +
            $"seen P@1 {seen.PrecisionAt1:F4} MAP@R {seen.MapAtR:F4}"));
}
