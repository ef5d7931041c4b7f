using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Plots;

namespace MlNetTriplet.Tests.Plots;

[TestClass]
public sealed class TrainingPlotsTests : PlotTests
{
    [TestMethod]
    public void SaveLossCurves_WithValidationAndEarlyStop_WritesPngOfRequestedSize()
    {
        string path = Path.Combine(Folder, "nested", "deeper", "loss.png");   // folders do not exist yet

        TrainingPlots.SaveLossCurves(ClassifierHistory(epochs: 6, bestEpoch: 4), path, "CNN on Fashion-MNIST", 900, 400);

        Assert.AreEqual((900, 400), PngAssert.ReadPngSize(path));
    }

    [TestMethod]
    public void SaveLossCurves_LossOnlySingleEpoch_WritesPngOfRequestedSize()
    {
        var history = new TrainingHistory([new EpochMetrics(1, 0.7, null, null, null, 1e-3, 2.0, 1000)], 1, false);
        string path = Path.Combine(Folder, "single.png");

        TrainingPlots.SaveLossCurves(history, path, width: 320, height: 240);

        Assert.AreEqual((320, 240), PngAssert.ReadPngSize(path));
    }

    [TestMethod]
    public void SaveLossCurves_DivergedLoss_StillWritesPng()
    {
        var history = new TrainingHistory(
        [
            new EpochMetrics(1, 2.0, 0.3, 1.9, 0.35, 1e-3, 1, 100),
            new EpochMetrics(2, double.NaN, 0.1, double.PositiveInfinity, 0.1, 1e-3, 1, 100),
        ], 2, false);
        string path = Path.Combine(Folder, "diverged.png");

        TrainingPlots.SaveLossCurves(history, path);

        Assert.AreEqual((900, 400), PngAssert.ReadPngSize(path));
    }

    [TestMethod]
    public void SaveLossCurves_BadArguments_Throw()
    {
        string path = Path.Combine(Folder, "bad.png");
        var history = ClassifierHistory(epochs: 3, bestEpoch: 3);

        Assert.ThrowsExactly<ArgumentNullException>(() => TrainingPlots.SaveLossCurves(null!, path));
        var empty = Assert.ThrowsExactly<ArgumentException>(() =>
            TrainingPlots.SaveLossCurves(new TrainingHistory([], 0, false), path));
        StringAssert.Contains(empty.Message, "no epochs");
        Assert.ThrowsExactly<ArgumentNullException>(() => TrainingPlots.SaveLossCurves(history, null!));
        Assert.ThrowsExactly<ArgumentException>(() => TrainingPlots.SaveLossCurves(history, "  "));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TrainingPlots.SaveLossCurves(history, path, width: 10));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TrainingPlots.SaveLossCurves(history, path, height: 0));
        Assert.IsFalse(File.Exists(path));
    }

    [TestMethod]
    public void SaveConfusionMatrix_WritesPng()
    {
        var matrix = EvaluateThreeClasses();
        string path = Path.Combine(Folder, "cm", "confusion.png");

        TrainingPlots.SaveConfusionMatrix(matrix, ["cat", "dog", "bird"], path, "Pets");

        var (width, height) = PngAssert.ReadPngSize(path);
        Assert.IsGreaterThanOrEqualTo(400, width);
        Assert.IsGreaterThanOrEqualTo(400, height);
    }

    [TestMethod]
    public void SaveConfusionMatrix_BadArguments_Throw()
    {
        var matrix = EvaluateThreeClasses();
        string path = Path.Combine(Folder, "bad.png");

        Assert.ThrowsExactly<ArgumentNullException>(() => TrainingPlots.SaveConfusionMatrix(null!, ["a", "b", "c"], path));
        Assert.ThrowsExactly<ArgumentNullException>(() => TrainingPlots.SaveConfusionMatrix(matrix, null!, path));
        var wrongCount = Assert.ThrowsExactly<ArgumentException>(() =>
            TrainingPlots.SaveConfusionMatrix(matrix, ["a", "b"], path));
        StringAssert.Contains(wrongCount.Message, "3 classes");
        Assert.ThrowsExactly<ArgumentException>(() => TrainingPlots.SaveConfusionMatrix(matrix, ["a", null!, "c"], path));
        Assert.ThrowsExactly<ArgumentException>(() => TrainingPlots.SaveConfusionMatrix(matrix, ["a", "b", "c"], ""));
        Assert.IsFalse(File.Exists(path));
    }

    [TestMethod]
    public void RangeWithoutFirstEpoch_FirstEpochFarAbove_FollowsLaterEpochs()
    {
        // An untrained first epoch (loss 2.5) against later losses between 0.3 and 0.5.
        var epochs = new[] { 2.5, 0.5, 0.45, 0.4, 0.3 }.Select((loss, i) => Epoch(i + 1, loss, loss + 0.05)).ToList();

        var range = TrainingPlots.RangeWithoutFirstEpoch(epochs, [e => e.TrainLoss, e => e.ValidationLoss]);

        Assert.IsNotNull(range);
        Assert.AreEqual(0.3, range.Value.Low, 1e-12);
        Assert.AreEqual(0.55, range.Value.High, 1e-12);
    }

    [TestMethod]
    public void RangeWithoutFirstEpoch_FirstEpochNearTheRestOrFewEpochs_LeavesTheAxisAlone()
    {
        var epochs = new[] { 0.7, 0.5, 0.45, 0.4, 0.3 }.Select((loss, i) => Epoch(i + 1, loss, null)).ToList();
        var steep = new[] { 2.5, 0.5, 0.4, 0.3 }.Select((loss, i) => Epoch(i + 1, loss, null)).ToList();

        Assert.IsNull(TrainingPlots.RangeWithoutFirstEpoch(epochs, [e => e.TrainLoss, e => e.ValidationLoss]));
        Assert.IsNull(TrainingPlots.RangeWithoutFirstEpoch(steep, [e => e.TrainLoss]), "four epochs are too few to leave one out");
    }

    private static EpochMetrics Epoch(int epoch, double trainLoss, double? validationLoss) =>
        new(epoch, trainLoss, null, validationLoss, null, 1e-3, 1, 100);

    private static TrainingHistory ClassifierHistory(int epochs, int bestEpoch)
    {
        var list = Enumerable.Range(1, epochs).Select(e => new EpochMetrics(e,
            TrainLoss: 1.0 / e, TrainAccuracy: 0.6 + 0.05 * e,
            ValidationLoss: 0.8 / e + 0.02 * Math.Max(0, e - bestEpoch), ValidationAccuracy: 0.62 + 0.04 * Math.Min(e, bestEpoch),
            LearningRate: 1e-3, Seconds: 10, Examples: 54000)).ToList();
        return new TrainingHistory(list, bestEpoch, bestEpoch < epochs);
    }

    private sealed class ScoredRow
    {
        [KeyType(3)]
        public uint Label { get; set; }

        [VectorType(3)]
        public float[] Score { get; set; } = [];

        [KeyType(3)]
        public uint PredictedLabel { get; set; }
    }

    /// <summary>A real <see cref="ConfusionMatrix"/> from ML.NET's evaluator on a handful of scored rows.</summary>
    private static ConfusionMatrix EvaluateThreeClasses()
    {
        var ml = new MLContext(seed: 1);
        var rows = new List<ScoredRow>();
        int[,] counts = { { 8, 1, 1 }, { 2, 7, 1 }, { 0, 3, 7 } };   // [true, predicted]
        for (int t = 0; t < 3; t++)
            for (int p = 0; p < 3; p++)
                for (int i = 0; i < counts[t, p]; i++)
                {
                    var score = new float[3];
                    Array.Fill(score, 0.1f);
                    score[p] = 0.8f;
                    // LoadFromEnumerable takes a [KeyType] member's value as the 0-based class index.
                    rows.Add(new ScoredRow { Label = (uint)t, Score = score, PredictedLabel = (uint)p });
                }
        var metrics = ml.MulticlassClassification.Evaluate(ml.Data.LoadFromEnumerable(rows));
        Assert.AreEqual(3, metrics.ConfusionMatrix.NumberOfClasses);
        for (int t = 0; t < 3; t++)
            for (int p = 0; p < 3; p++)
                Assert.AreEqual(counts[t, p], metrics.ConfusionMatrix.Counts[t][p], $"count [{t}, {p}]");
        return metrics.ConfusionMatrix;
    }
}
