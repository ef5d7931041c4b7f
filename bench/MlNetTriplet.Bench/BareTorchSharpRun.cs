using System.Diagnostics;
using Microsoft.ML;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet.Bench;

/// <summary>Side B, the limit: the same network and recipe written directly against TorchSharp on preloaded tensors,
/// with the same allocator tuning as the package. The package's cost over this loop is the ML.NET integration.</summary>
internal static class BareTorchSharpRun
{
    public static RunResult Run(CnnOptions o)
    {
        var ml = new MLContext(seed: o.Seed);
        var load = Stopwatch.StartNew();
        var (trainPixels, trainLabels, shape) = IdxData.ToArrays(IdxData.Load(ml, o.DataDir, "train", o.NTrain));
        var (testPixels, testLabels, _) = IdxData.ToArrays(IdxData.Load(ml, o.DataDir, "t10k", o.NTest));
        long[] imageDims = [shape.Channels, shape.Height, shape.Width];
        using var xTrain = tensor(trainPixels, [trainLabels.Length, .. imageDims]);
        using var yTrain = tensor(trainLabels);
        using var xTest = tensor(testPixels, [testLabels.Length, .. imageDims]);
        using var yTest = tensor(testLabels);
        load.Stop();

        bool tuned = GlibcAllocator.Tune();
        manual_seed(o.Seed);
        int classes = (int)trainLabels.Max() + 1;
        using var model = BuildNetwork(shape, classes);
        using var optimizer = optim.Adam(model.parameters(), o.LearningRate);
        using var generator = new Generator(unchecked((ulong)o.Seed));

        var epochs = new List<EpochFigures>();
        int n = trainLabels.Length;
        for (int epoch = 1; epoch <= o.Epochs; epoch++)
        {
            model.train();
            double lossSum = 0;
            long correct = 0;
            // Timed like the peer: shuffle, batch gather, forward, backward, step, and the loss/accuracy read-back.
            var clock = Stopwatch.StartNew();
            using (var order = randperm(n, generator: generator))
            {
                for (long start = 0; start < n; start += o.BatchSize)
                {
                    using var scope = NewDisposeScope();
                    long size = Math.Min(o.BatchSize, n - start);
                    var indices = order.narrow(0, start, size);
                    var x = xTrain.index_select(0, indices);
                    var y = yTrain.index_select(0, indices);
                    var logits = model.forward(x);
                    var loss = nn.functional.cross_entropy(logits, y);
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item<float>() * size;
                    correct += logits.argmax(1).eq(y).sum().item<long>();
                }
            }
            clock.Stop();
            var figures = new EpochFigures(epoch, clock.Elapsed.TotalSeconds, n, n / clock.Elapsed.TotalSeconds,
                lossSum / n, (double)correct / n, ProcessMemory.CurrentRssMb());
            epochs.Add(figures);
            Child.Progress("bare", figures);
        }

        var eval = Stopwatch.StartNew();
        double accuracy = Accuracy(model, xTest, yTest, o.EvalBatchSize);
        eval.Stop();

        double trainSeconds = epochs.Sum(e => e.Seconds);
        long trainImages = epochs.Sum(e => e.Images);
        return new RunResult
        {
            Side = "bare", Runtime = Child.RuntimeDescription, Epochs = o.Epochs, Threads = o.Threads, Seed = o.Seed,
            BatchSize = o.BatchSize, EvalBatchSize = o.EvalBatchSize, NTrain = n, NTest = testLabels.Length,
            AllocatorTuned = tuned, LoadSeconds = load.Elapsed.TotalSeconds,
            TrainSeconds = trainSeconds, TrainImages = trainImages, TrainImagesPerSecond = trainImages / trainSeconds,
            EvalSeconds = eval.Elapsed.TotalSeconds, EvalImagesPerSecond = testLabels.Length / eval.Elapsed.TotalSeconds,
            TestAccuracy = accuracy,
            PeakRssMb = ProcessMemory.PeakRssMb() ?? double.NaN, MemoryGrowthPercent = RunResult.GrowthFromEpoch2(epochs),
            EpochDetails = epochs, OmpEnv = Child.OmpEnv(),
        };
    }

    /// <summary>The peer's network, layer for layer.</summary>
    private static nn.Module<Tensor, Tensor> BuildNetwork(ImageShape shape, int classes)
    {
        long flat = 64L * (shape.Height / 4) * (shape.Width / 4);
        return nn.Sequential(
            nn.Conv2d(shape.Channels, 32, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(flat, 128), nn.ReLU(), nn.Dropout(0.25),
            nn.Linear(128, classes));
    }

    private static double Accuracy(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y, int batch)
    {
        model.eval();
        using var noGrad = no_grad();
        long n = x.shape[0], correct = 0;
        for (long start = 0; start < n; start += batch)
        {
            using var scope = NewDisposeScope();
            long size = Math.Min(batch, n - start);
            correct += model.forward(x.narrow(0, start, size)).argmax(1).eq(y.narrow(0, start, size)).sum().item<long>();
        }
        return (double)correct / n;
    }
}
