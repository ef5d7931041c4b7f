using System.Globalization;
using System.Text.Json;
using MlNetTriplet.Images;

namespace MlNetTriplet.Bench;

/// <summary>The <c>similarity</c> command (issue 24): photo embeddings trained by metric learning on the first half of
/// the class folders and measured by retrieval among the other half's photos, package vs PyTorch peer
/// (bench/similarity_peer.py) on the same photos and weights; rounds as <see cref="PhotoBenchmark"/> runs them.</summary>
internal static class SimilarityBenchmark
{
    public static int Run(SimilarityOptions o)
    {
        using var bench = new PhotoBenchmark(o, "similarity");
        // The protocol splits by class, so a train/ and val/ layout is joined into one folder of classes for both sides.
        string dataDir = PhotoSubset.ClassFolders(bench.Photos, bench.WorkPath("photos"));
        var classes = ImageFolderScanner.Scan(dataDir, recursive: true, imageExtensions: null).Summary.Classes;
        int trainClasses = SimilarityOptions.TrainClassCount(classes.Count, o.DataDir);
        // P distinct classes a batch: a protocol with fewer training classes (Caltech's 3) takes all of them.
        var run = o with { ClassesPerBatch = Math.Min(o.ClassesPerBatch, trainClasses) };
        bench.PrintStart($"Similarity benchmark: modes {string.Join(", ", o.Modes)}, {o.Pairs} rounds x (package, PyTorch peer), {o.Epochs} epochs, " +
            string.Create(CultureInfo.InvariantCulture, $"margin {o.Margin}, lr {o.LearningRate}, {o.Schedule}, {o.EmbeddingSize}-d, embedding with the {o.Embed}, ") +
            $"{run.ClassesPerBatch} x {o.SamplesPerClass} a batch, {o.Threads} threads, seeds {o.SeedList()}; " +
            $"{trainClasses} training classes ({classes[0]} .. {classes[trainClasses - 1]}), {classes.Count - trainClasses} held out",
            dataDir);
        var runs = bench.Rounds(run, (seeded, mode, side, round) => side == "peer"
                ? RunPeer(bench, seeded, mode, dataDir, round)
                : bench.RunPackage<SimilarityRunResult>("similarity-one", seeded.ChildArgs(mode, dataDir)),
            RunLine, "held-out");
        var report = new SimilarityReport(run, bench.Machine, bench.Started, bench.LoadAtStart, Child.OmpEnv(), runs);
        bench.Finish(o.Name, report.Write, report.Markdown);
        return 0;
    }

    private static SimilarityRunResult RunPeer(PhotoBenchmark bench, SimilarityOptions o, string mode, string dataDir, int round)
    {
        var (json, seconds) = bench.RunPeer("similarity_peer.py", o, mode, dataDir, round, o.TrainingArgs());
        static Retrieval Of(JsonElement m) => new(m.GetProperty("precision_at_1").GetDouble(),
            m.GetProperty("r_precision").GetDouble(), m.GetProperty("map_at_r").GetDouble());
        bool frozen = mode == "frozen";
        int nHeldOut = json.GetProperty("n_held_out").GetInt32();
        // The peer's feature pass serves the baseline in every mode; it is a figure of the mode only when frozen.
        long? featureImages = frozen ? json.GetProperty("feature_images").GetInt64() : null;
        double? featureSeconds = frozen ? PhotoBenchmark.OptionalDouble(json, "feature_seconds") : null;
        double? evalSeconds = PhotoBenchmark.OptionalDouble(json, "eval_seconds");
        return PhotoBenchmark.PeerFigures(new SimilarityRunResult
        {
            Side = "peer", Mode = mode, Runtime = PhotoBenchmark.PeerRuntime(json), NTest = nHeldOut,
            TrainClasses = json.GetProperty("train_classes").GetArrayLength(),
            HeldOutClasses = json.GetProperty("held_out_classes").GetArrayLength(),
            ClassesPerBatch = json.GetProperty("classes_per_batch").GetInt32(),
            SamplesPerClass = json.GetProperty("samples_per_class").GetInt32(),
            FeatureImages = featureImages, FeatureSeconds = featureSeconds, FeatureImagesPerSecond = featureImages / featureSeconds,
            // The peer embeds with the head; its trained backbone's pooled features, cosine, are what the package's
            // PhotoEmbeddingSource.Backbone embeds with (L2-normalised, so Euclidean ranks them alike), and
            // trained_with_pretrained what BackboneAndPretrained does.
            Trained = Of(o.Embed switch
            {
                "backbone" => json.GetProperty("trained_pooled").GetProperty("cosine"),
                "backbone-and-pretrained" => json.GetProperty("trained_with_pretrained"),
                _ => json.GetProperty("trained"),
            }), Baseline = Of(json.GetProperty("baseline").GetProperty("euclidean")),
            EmbedImagesPerSecond = nHeldOut / evalSeconds,
        }, json, seconds);
    }

    private static string RunLine(SimilarityRunResult r)
    {
        string features = r.FeatureImagesPerSecond is double f
            ? string.Create(CultureInfo.InvariantCulture, $"features {f:N1} img/s ({r.FeatureSeconds:F1} s), ") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"  {r.Side,-7} {r.Mode} round {r.Round}: {features}training {r.TrainImagesPerSecond:N1} img/s ({r.TrainSeconds:F1} s), " +
            $"P@1 {r.Trained.PrecisionAt1:F4}, R-precision {r.Trained.RPrecision:F4}, MAP@R {r.Trained.MapAtR:F4} " +
            $"(untrained {r.Baseline.PrecisionAt1:F4} / {r.Baseline.RPrecision:F4} / {r.Baseline.MapAtR:F4}), peak RSS {r.PeakRssMb:N0} MB, process {r.ProcessSeconds:F0} s");
    }
}
