using MlNetTriplet.Plots;

namespace MlNetTriplet.Tests.Plots;

[TestClass]
public sealed class RocCurvesTests : PlotTests
{
    [TestMethod]
    public void FromScores_GivesMannWhitneyAucWithHalfCreditForTies()
    {
        // Positive-negative pairs ranked right: (0.9 > 0.8), (0.9 > 0.1), (0.7 > 0.1); wrong: (0.7 < 0.8). AUC 3/4.
        var curve = RocCurve.FromScores("x", [true, false, true, false], [0.9f, 0.8f, 0.7f, 0.1f]);
        Assert.AreEqual(0.75, curve.Auc, 1e-12);
        CollectionAssert.AreEqual(new[] { 0, 0, 0.5, 0.5, 1 }, curve.FalsePositiveRates.ToArray());
        CollectionAssert.AreEqual(new[] { 0, 0.5, 0.5, 1, 1 }, curve.TruePositiveRates.ToArray());
        Assert.AreEqual(0.5, RocCurve.FromScores("tie", [true, false], [0.3f, 0.3f]).Auc, 1e-12);
    }

    [TestMethod]
    public void FromScores_WithOneClass_ThrowsSayingBothAreNeeded()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => RocCurve.FromScores("x", [true, true], [0.1f, 0.2f]));
        StringAssert.Contains(e.Message, "needs both classes");
    }

    [TestMethod]
    public void SaveRocCurves_WritesPngOfRequestedSize()
    {
        string path = Path.Combine(Folder, "sub", "roc.png");
        var train = RocCurve.FromScores("train", [true, false, true, false, true], [0.9f, 0.2f, 0.8f, 0.4f, 0.3f]);
        var valid = RocCurve.FromScores("validation", [true, false, true, false], [0.6f, 0.7f, 0.8f, 0.1f]);
        TrainingPlots.SaveRocCurves([train, valid], path, "ROC", width: 500, height: 420);
        Assert.AreEqual((500, 420), PngAssert.ReadPngSize(path));
        Assert.IsGreaterThan(5000L, new FileInfo(path).Length, "a plot with lines, not an empty image");
    }
}
