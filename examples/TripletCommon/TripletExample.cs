using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MlNetTriplet;
using MlNetTriplet.Examples;
using MlNetTriplet.Plots;

namespace TripletExamples;

/// <summary>What both triplet examples do, with their recipe: load the IDX files, train the embedding inside an ML.NET
/// pipeline (loss per epoch), score retrieval on the test set, write the TensorBoard projector TSVs, a UMAP scatter of
/// the test embeddings and the pipeline zip, then reload the zip and check it gives the same embeddings.</summary>
internal static class TripletExample
{
    /// <param name="recipe">The recipe's options, with its own tutorial CNN.</param>
    /// <param name="tutorialCnnByDefault">Whether the example keeps that CNN unless <c>--network standard</c> is given
    /// (otherwise it swaps in <see cref="TripletEmbeddingOptions.DefaultCnn"/> unless <c>--network tutorial</c>).</param>
    public static int Run(string[] args, string example, string description, Func<TripletEmbeddingOptions> recipe,
        bool tutorialCnnByDefault)
    {
        var options = CommandLine.Parse(args, TripletExampleOptions.Parse, o => o.Help,
            TripletExampleOptions.Usage(example, description, tutorialCnnByDefault), out int exitCode);
        if (options is null)
            return exitCode;
        var files = DataFiles.Locate(options.DataDirectory, options.DataDirectoryGiven);
        if (files is null)
            return 2;
        bool tutorialCnn = options.TutorialCnn ?? tutorialCnnByDefault;
        TripletEmbeddingOptions Estimator()
        {
            var estimator = recipe();
            if (!tutorialCnn)
                estimator.Architecture = TripletEmbeddingOptions.DefaultCnn;
            estimator.NumberOfEpochs = options.Epochs ?? estimator.NumberOfEpochs;
            estimator.Seed = options.Seed;
            var progress = new ProgressBar();   // one epoch of RandomTriplets can run minutes
            estimator.ProgressCallback = progress.Report;
            estimator.MetricsCallback = m =>
            {
                progress.Clear();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {m.Epoch,2}/{estimator.NumberOfEpochs}  loss {m.TrainLoss:F4}  {m.Seconds,6:F1} s  {m.ExamplesPerSecond,6:F0} images/s"));
            };
            return estimator;
        }
        return Train(options, files, example, Estimator, tutorialCnn ? "the recipe's tutorial CNN" : "the standard CNN");
    }

    private static int Train(TripletExampleOptions options, DataFiles files, string example,
        Func<TripletEmbeddingOptions> createEstimator, string network)
    {
        var ml = new MLContext(seed: options.Seed);
        IDataView train = ml.Data.LoadFromIdx(files.TrainImages, files.TrainLabels, options.TrainRows);
        IDataView test = ml.Data.LoadFromIdx(files.TestImages, files.TestLabels, options.TestRows);
        long trainRows = train.GetRowCount() ?? 0, testRows = test.GetRowCount() ?? 0;
        Console.WriteLine($"Data: {Path.GetDirectoryName(files.TrainImages)}: {trainRows:N0} training and {testRows:N0} test images.");

        var estimator = createEstimator();
        Console.WriteLine($"Training {network}: {estimator.Loss} loss, {estimator.Mining} mining, {estimator.Sampling} batches " +
            $"(batch {estimator.BatchSize}), {estimator.Distance} distance, {estimator.EmbeddingSize}-d embedding, " +
            $"{estimator.NumberOfEpochs} epoch(s), seed {options.Seed}.");
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(ml.Transforms.TripletEmbedding(estimator));
        var clock = Stopwatch.StartNew();
        var model = pipeline.Fit(train);
        Console.WriteLine($"Trained in {clock.Elapsed.TotalSeconds:F1} s.");

        // Retrieval on the test set: every test image queries the other test images (P@1, R-precision, MAP@R);
        // k-NN accuracy votes among the training images' embeddings.
        IDataView testEmbedded = model.Transform(test);
        IDataView trainEmbedded = model.Transform(train);
        var retrieval = ml.Embeddings().Evaluate(testEmbedded);
        var knn = ml.Embeddings().Evaluate(testEmbedded, reference: trainEmbedded);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Test set ({testRows:N0} images): P@1 {retrieval.PrecisionAt1:F4}  R-precision {retrieval.RPrecision:F4}  " +
            $"MAP@R {retrieval.MeanAveragePrecisionAtR:F4}  k-NN accuracy vs training images {knn.KnnAccuracy:F4}  " +
            $"NMI {retrieval.NormalizedMutualInformation:F4}"));

        string outDir = Path.GetFullPath(options.OutputDirectory);
        Directory.CreateDirectory(outDir);
        string modelPath = Path.Combine(outDir, $"{example}.zip");
        ml.Model.Save(model, train.Schema, modelPath);
        string projector = Path.Combine(outDir, "projector");
        ml.Embeddings().ExportForProjector(testEmbedded, projector);
        var written = new List<string> { modelPath, projector };
        if (options.Umap)
            written.Add(SaveUmapScatter(ml, testEmbedded, outDir, example, options.ClassNames, options.Seed));

        // The zip in a fresh MLContext must give the very same embeddings.
        var reloaded = new MLContext(seed: options.Seed + 1).Model.Load(modelPath, out _);
        var before = testEmbedded.GetColumn<float[]>("Embedding").Take(200).ToArray();
        var after = reloaded.Transform(test).GetColumn<float[]>("Embedding").Take(200).ToArray();
        bool same = before.Zip(after).All(p => p.First.AsSpan().SequenceEqual(p.Second));
        Console.WriteLine();
        Console.WriteLine($"Reloaded {modelPath}: embeddings of the first {before.Length} test images " +
            (same ? "identical to before saving." : "DIFFERENT from before saving!"));
        Console.WriteLine("Wrote:");
        foreach (string path in written)
            Console.WriteLine($"  {path}");
        if (options.UnseenClasses)
            ScoreUnseenClasses(ml, train, test, createEstimator());
        return same ? 0 : 1;
    }

    /// <summary>The metric-learning protocol on new classes: the same recipe trained on the training images of classes
    /// 0-4 only, retrieval scored among the test images of classes 5-9, which training never saw. The loss reads a key
    /// copy of the label ("LabelKey"): a key fitted on classes 0-4 maps 5-9 to the missing key 0, while the original
    /// "Label" names them. Raw pixels on the same rows give the baseline the embedding should beat.</summary>
    private static void ScoreUnseenClasses(MLContext ml, IDataView train, IDataView test, TripletEmbeddingOptions estimator)
    {
        IDataView seen = ml.Data.FilterByCustomPredicate<LabelRow>(train, row => row.Label >= 5);   // drops classes 5-9
        IDataView unseen = ml.Data.FilterByCustomPredicate<LabelRow>(test, row => row.Label < 5);   // drops classes 0-4
        estimator.LabelColumnName = "LabelKey";
        Console.WriteLine();
        Console.WriteLine($"Classes never seen in training: the same recipe on the {Count(seen):N0} training images of classes 0-4.");
        var clock = Stopwatch.StartNew();
        var model = ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label")
            .Append(ml.Transforms.TripletEmbedding(estimator))
            .Fit(seen);
        Console.WriteLine($"Trained in {clock.Elapsed.TotalSeconds:F1} s.");
        var embedded = ml.Embeddings().Evaluate(model.Transform(unseen), "Embedding", "Label");
        var pixels = ml.Embeddings().Evaluate(unseen, "Features", "Label", options: new EmbeddingEvaluationOptions { ComputeClusterQuality = false });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Test images of classes 5-9 ({Count(unseen):N0}): P@1 {embedded.PrecisionAt1:F4}  R-precision {embedded.RPrecision:F4}  " +
            $"MAP@R {embedded.MeanAveragePrecisionAtR:F4}   (raw pixels: P@1 {pixels.PrecisionAt1:F4}  MAP@R {pixels.MeanAveragePrecisionAtR:F4})"));
    }

    private static long Count(IDataView data) => data.GetColumn<uint>("Label").LongCount();

    private sealed class LabelRow
    {
        public uint Label { get; set; }
    }

    /// <summary>Projects the test embeddings to 2-D with UMAP, seeded like the MLContext so that a run can be
    /// reproduced, and saves the scatter plot; returns its path.</summary>
    private static string SaveUmapScatter(MLContext ml, IDataView embedded, string outDir, string example, ClassNameSet names,
        int seed)
    {
        var clock = Stopwatch.StartNew();
        // The class names ride along as a text column for the plot's legend.
        var classNames = Enumerable.Range(0, 10).Select(i => new KeyValuePair<uint, string>((uint)i, ClassNames.Of((uint)i, names)));
        var projected = ml.Transforms.Conversion.MapKeyToValue("LabelValue", "Label")
            .Append(ml.Transforms.Conversion.MapValue("Class", classNames, "LabelValue"))
            // The reference workflow's setting for embeddings: 15 neighbours, min_dist 0.3, correlation.
            .Append(ml.Transforms.ProjectToUmap("Umap", "Embedding",
                new UmapOptions { NeighborCount = 15, MinDistance = 0.3f, Metric = DistanceMetric.Correlation, Seed = seed }))
            .Fit(embedded).Transform(embedded);
        string png = Path.Combine(outDir, "umap-test-embeddings.png");
        ScatterPlots.SaveScatter(projected, "Umap", "Class", png, $"{example}: UMAP of the test embeddings");
        Console.WriteLine($"UMAP projection of the test embeddings in {clock.Elapsed.TotalSeconds:F1} s.");
        return png;
    }
}
