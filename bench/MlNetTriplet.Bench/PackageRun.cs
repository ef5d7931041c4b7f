using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Transforms;

namespace MlNetTriplet.Bench;

/// <summary>Side A: the package as its users run it, an ML.NET pipeline from IDataView to <c>Evaluate</c>.
/// Runs in a child process of its own so its peak RSS is its own.</summary>
internal static class PackageRun
{
    public static RunResult Run(CnnOptions o)
    {
        var ml = new MLContext(seed: o.Seed);
        var load = Stopwatch.StartNew();
        var train = IdxData.Load(ml, o.DataDir, "train", o.NTrain);
        var test = IdxData.Load(ml, o.DataDir, "t10k", o.NTest);
        load.Stop();

        var epochs = new List<EpochFigures>();
        var options = new CnnClassifierTrainer.Options
        {
            NumberOfEpochs = o.Epochs, BatchSize = o.BatchSize, LearningRate = o.LearningRate, Seed = o.Seed,
            MetricsCallback = m =>
            {
                // RSS at every epoch end shows whether memory stays flat while training.
                var figures = new EpochFigures(m.Epoch, m.Seconds, m.Examples, m.ExamplesPerSecond, m.TrainLoss,
                    m.TrainAccuracy, ProcessMemory.CurrentRssMb());
                epochs.Add(figures);
                Child.Progress("package", figures);
            },
        };
        // The default architecture is the peer's network (conv32-pool-conv64-pool-fc128-dropout 0.25-fc10).
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(ml.MulticlassClassification.Trainers.Cnn(options));

        var fit = Stopwatch.StartNew();
        var model = pipeline.Fit(train);
        fit.Stop();

        // Transform is lazy: Evaluate pulls every test row through the package's batched cursor.
        var eval = Stopwatch.StartNew();
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
        eval.Stop();

        int nTest = checked((int)test.GetRowCount()!.Value);
        double trainSeconds = epochs.Sum(e => e.Seconds);
        long trainImages = epochs.Sum(e => e.Images);
        return new RunResult
        {
            Side = "package", Runtime = Child.RuntimeDescription, Epochs = o.Epochs, Threads = o.Threads, Seed = o.Seed,
            BatchSize = o.BatchSize, EvalBatchSize = options.InferenceBatchSize,
            NTrain = checked((int)train.GetRowCount()!.Value), NTest = nTest, AllocatorTuned = options.TuneNativeAllocator,
            LoadSeconds = load.Elapsed.TotalSeconds,
            TrainSeconds = trainSeconds, TrainImages = trainImages, TrainImagesPerSecond = trainImages / trainSeconds,
            FitSeconds = fit.Elapsed.TotalSeconds,
            EvalSeconds = eval.Elapsed.TotalSeconds, EvalImagesPerSecond = nTest / eval.Elapsed.TotalSeconds,
            TestAccuracy = metrics.MicroAccuracy,
            PeakRssMb = ProcessMemory.PeakRssMb() ?? double.NaN, MemoryGrowthPercent = RunResult.GrowthFromEpoch2(epochs),
            EpochDetails = epochs, OmpEnv = Child.OmpEnv(),
        };
    }
}
