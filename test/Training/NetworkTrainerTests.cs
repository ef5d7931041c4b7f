using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetTriplet.Batches;
using MlNetTriplet.Data;
using MlNetTriplet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet.Tests.Training;

/// <summary>The training loop on real Fashion-MNIST pixels with a small MLP (fast), through the internal engine.</summary>
[TestClass]
public sealed class NetworkTrainerTests
{
    private static readonly Lazy<(float[] x, long[] y)> Pixels = new(() =>
    {
        var images = IdxReader.ReadImages(Path.Combine(TestData.FashionMnistDirectory, "train-images-idx3-ubyte.gz"), 3000);
        var labels = IdxReader.ReadLabels(Path.Combine(TestData.FashionMnistDirectory, "train-labels-idx1-ubyte.gz"), 3000);
        return (images.Pixels, labels.Values.Select(v => (long)v).ToArray());
    });

    private static TensorRows Data(int start, int count)
    {
        var (x, y) = Pixels.Value;
        return TensorRows.FromArrays(x.AsSpan(start * 784, count * 784).ToArray(), [count, 784],
            y.AsSpan(start, count).ToArray(), CPU);
    }

    /// <summary>Validation batches as the estimators cut them: consecutive rows, inference-sized.</summary>
    private static BatchSource Evaluation(TensorRows rows, CnnClassifierTrainer.Options options) =>
        new(rows, BatchPlan.Sequential(rows.Count, options.InferenceBatchSize));

    private static nn.Module<Tensor, Tensor> Mlp(long seed, double dropout = 0)
    {
        manual_seed(seed);
        return nn.Sequential(("fc0", nn.Linear(784, 64)), ("act", nn.ReLU()), ("drop", nn.Dropout(dropout)),
            ("out", nn.Linear(64, 10)));
    }

    private static HostTrainingLog Log() => new(((IHostEnvironment)new MLContext()).Register("test"), "Training");

    private static TrainingHistory Train(nn.Module<Tensor, Tensor> model, CnnClassifierTrainer.Options options,
        TensorRows train, TensorRows? valid = null, int seed = 3)
    {
        using var log = Log();
        return new NetworkTrainer(options, log, seed).Fit(model,
            new BatchSource(train, BatchPlan.Shuffled(train.Count, options.BatchSize, seed)),
            valid is null ? null : Evaluation(valid, options), new CrossEntropyObjective());
    }

    private static float[] Weights(nn.Module model) =>
        model.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    [TestMethod]
    public void EarlyStopping_RestoresTheBestEpochsWeights()
    {
        using var train = Data(0, 600);
        using var valid = Data(2000, 1000);
        using var model = Mlp(1);
        // A high learning rate on 600 rows overfits within a few epochs: validation loss turns up.
        var options = new CnnClassifierTrainer.Options { NumberOfEpochs = 40, LearningRate = 0.01, EarlyStoppingPatience = 3 };
        var history = Train(model, options, train, valid);

        Assert.IsTrue(history.StoppedEarly, "expected validation loss to stop improving");
        Assert.HasCount(history.BestEpoch + 3, history.Epochs);
        var losses = history.Epochs.Select(e => e.ValidationLoss!.Value).ToArray();
        Assert.AreEqual(Array.IndexOf(losses, losses.Min()) + 1, history.BestEpoch);
        using var log = Log();
        var (loss, _) = new NetworkTrainer(options, log, 0).Evaluate(model, Evaluation(valid, options), new CrossEntropyObjective());
        Assert.AreEqual(losses.Min(), loss, 1e-5, "the model holds the best epoch's weights");
        Assert.AreNotEqual(losses[^1], loss, 1e-4);
    }

    [TestMethod]
    public void EarlyStopping_OnValidationAccuracy_KeepsTheMostAccurateEpoch()
    {
        using var train = Data(0, 600);
        using var valid = Data(2000, 1000);
        using var model = Mlp(2);
        var options = new CnnClassifierTrainer.Options
        {
            NumberOfEpochs = 12, LearningRate = 0.01, EarlyStoppingPatience = 2,
            EarlyStoppingMetric = EarlyStoppingMetric.ValidationAccuracy,
        };
        var history = Train(model, options, train, valid);
        var accuracies = history.Epochs.Select(e => e.ValidationAccuracy!.Value).ToArray();
        Assert.AreEqual(Array.IndexOf(accuracies, accuracies.Max()) + 1, history.BestEpoch);
        using var log = Log();
        var (_, accuracy) = new NetworkTrainer(options, log, 0).Evaluate(model, Evaluation(valid, options), new CrossEntropyObjective());
        Assert.AreEqual(accuracies.Max(), accuracy!.Value, 1e-9);
    }

    [TestMethod]
    public void ProgressCallback_ReportsWithinLongEpochsAndAtEachPhasesEnd()
    {
        using var train = Data(0, 3000);
        using var valid = Data(0, 500);
        using var model = Mlp(3);
        var reports = new List<TrainingProgress>();
        // Batches of 2: 1,500 steps per epoch, well over the half-second reporting interval.
        var options = new CnnClassifierTrainer.Options { NumberOfEpochs = 2, BatchSize = 2, ProgressCallback = reports.Add };
        var history = Train(model, options, train, valid);

        foreach (var epoch in history.Epochs)
        {
            var steps = reports.Where(r => r.Phase == TrainingPhase.Training && r.Epoch == epoch.Epoch).ToList();
            var last = steps[^1];
            Assert.AreEqual(1500, last.Steps);
            Assert.AreEqual(last.Steps, last.Step);
            Assert.AreEqual(3000, last.Examples);
            Assert.AreEqual(epoch.TrainLoss, last.Loss!.Value, 1e-9);
            Assert.AreEqual(0, last.SecondsLeft);
            if (epoch.Seconds > 1)
                Assert.IsTrue(steps.Any(r => r.Step < r.Steps && r.SecondsLeft > 0), $"epoch {epoch.Epoch} ran {epoch.Seconds:F1} s without a report");
            Assert.AreEqual(500, reports.Last(r => r.Phase == TrainingPhase.Validating && r.Epoch == epoch.Epoch).Examples);
        }
    }

    [TestMethod]
    public void L2Penalty_ShrinksTheWeights()
    {
        using var train = Data(0, 2000);
        double SumOfSquares(double l2)
        {
            using var model = Mlp(5);
            Train(model, new CnnClassifierTrainer.Options { NumberOfEpochs = 2, L2 = l2 }, train);
            return Weights(model).Sum(w => (double)w * w);
        }
        double plain = SumOfSquares(0), penalised = SumOfSquares(0.01);
        Assert.IsLessThan(plain * 0.8, penalised, $"plain {plain}, with L2 {penalised}");
    }

    [TestMethod]
    public void L1Penalty_ShrinksAbsoluteWeightsAndZeroesMore()
    {
        using var train = Data(0, 2000);
        (double sum, int nearZero) Measure(double l1)
        {
            using var model = Mlp(5);
            Train(model, new CnnClassifierTrainer.Options { NumberOfEpochs = 2, L1 = l1 }, train);
            var w = Weights(model);
            return (w.Sum(v => Math.Abs((double)v)), w.Count(v => Math.Abs(v) < 1e-3));
        }
        var plain = Measure(0);
        var penalised = Measure(1e-4);
        Assert.IsLessThan(plain.sum * 0.8, penalised.sum);
        Assert.IsGreaterThan(plain.nearZero, penalised.nearZero);
    }

    [TestMethod]
    public void GradientClipValue_BoundsEveryStep()
    {
        using var train = Data(0, 640);
        const int steps = 10; // 640 rows / batch 64, SGD without momentum at learning rate 1: step = clipped gradient
        double MaxChange(double? clip)
        {
            using var model = Mlp(9);
            var before = Weights(model);
            Train(model, new CnnClassifierTrainer.Options
            {
                NumberOfEpochs = 1, Optimizer = OptimizerKind.Sgd, Momentum = 0, LearningRate = 1, GradientClipValue = clip,
            }, train);
            return Weights(model).Zip(before).Max(p => Math.Abs(p.First - p.Second));
        }
        Assert.IsLessThanOrEqualTo(steps * 1e-4 * 1.0001, MaxChange(1e-4));
        Assert.IsGreaterThan(steps * 1e-4, MaxChange(null), "without clipping the steps are larger");
    }

    [TestMethod]
    public void GradientClipNorm_BoundsTheGlobalStepNorm()
    {
        using var train = Data(0, 640);
        const int steps = 10;
        double Change(double? clip)
        {
            using var model = Mlp(9);
            var before = Weights(model);
            Train(model, new CnnClassifierTrainer.Options
            {
                NumberOfEpochs = 1, Optimizer = OptimizerKind.Sgd, Momentum = 0, LearningRate = 1, GradientClipNorm = clip,
            }, train);
            return Math.Sqrt(Weights(model).Zip(before).Sum(p => Math.Pow(p.First - p.Second, 2)));
        }
        Assert.IsLessThanOrEqualTo(steps * 1e-3 * 1.0001, Change(1e-3));
        Assert.IsGreaterThan(steps * 1e-3, Change(null));
    }

    [TestMethod]
    public void ResumeFromCheckpoint_ReproducesAnUninterruptedRun()
    {
        using var train = Data(0, 1000);
        using var valid = Data(2000, 300);
        string dir = TestData.TempDirectory();
        try
        {
            CnnClassifierTrainer.Options Options(int epochs, bool resume) => new()
            {
                NumberOfEpochs = epochs, CheckpointDirectory = resume ? dir : null, ResumeFromCheckpoint = resume,
                EarlyStoppingPatience = 10,
            };
            using var whole = Mlp(4, dropout: 0.3);
            var wholeHistory = Train(whole, Options(4, false), train, valid);

            using var first = Mlp(4, dropout: 0.3);
            var firstHistory = Train(first, Options(2, true), train, valid);
            Assert.HasCount(2, firstHistory.Epochs);
            using var resumed = Mlp(77, dropout: 0.3); // other initial weights: the checkpoint must replace them
            var resumedHistory = Train(resumed, Options(4, true), train, valid);

            Assert.HasCount(4, resumedHistory.Epochs);
            CollectionAssert.AreEqual(Weights(whole), Weights(resumed));
            CollectionAssert.AreEqual(wholeHistory.Epochs.Select(e => e.TrainLoss).ToArray(),
                resumedHistory.Epochs.Select(e => e.TrainLoss).ToArray());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void Cancellation_StopsTrainingBetweenSteps()
    {
        using var train = Data(0, 1000);
        using var model = Mlp(1);
        using var cancel = new CancellationTokenSource();
        var options = new CnnClassifierTrainer.Options
        {
            NumberOfEpochs = 5, CancellationToken = cancel.Token, MetricsCallback = _ => cancel.Cancel(),
        };
        Assert.ThrowsExactly<OperationCanceledException>(() => Train(model, options, train));
    }

    [TestMethod]
    public void MetricsCallback_ReportsEveryEpochWithItsFigures()
    {
        using var train = Data(0, 1000);
        using var valid = Data(2000, 200);
        using var model = Mlp(1);
        var seen = new List<EpochMetrics>();
        var history = Train(model, new CnnClassifierTrainer.Options
        {
            NumberOfEpochs = 3, MetricsCallback = seen.Add, LearningRateSchedule = LearningRateSchedule.Step,
            LearningRateStepEpochs = 2, LearningRateDecay = 0.5,
        }, train, valid);
        CollectionAssert.AreEqual(history.Epochs.ToArray(), seen.ToArray());
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, seen.Select(m => m.Epoch).ToArray());
        CollectionAssert.AreEqual(new[] { 1e-3, 1e-3, 5e-4 }, seen.Select(m => m.LearningRate).ToArray());
        Assert.IsTrue(seen.All(m => m.Examples == 1000 && m.Seconds > 0 && m.ValidationLoss > 0 && m.TrainAccuracy > 0));
        Assert.IsLessThan(seen[0].TrainLoss, seen[^1].TrainLoss, "training lowers the loss");
    }

    [TestMethod]
    public void CosineSchedule_FallsFromTheInitialRateTowardsZero()
    {
        using var log = Log();
        var trainer = new NetworkTrainer(new CnnClassifierTrainer.Options
        {
            NumberOfEpochs = 4, LearningRate = 0.1, LearningRateSchedule = LearningRateSchedule.Cosine,
        }, log, 0);
        Assert.AreEqual(0.1, trainer.LearningRateAt(0), 1e-12);
        Assert.AreEqual(0.05, trainer.LearningRateAt(2), 1e-12);
        Assert.IsLessThan(0.02, trainer.LearningRateAt(3));
    }
}
