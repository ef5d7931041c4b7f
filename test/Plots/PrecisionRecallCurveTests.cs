using MlNetTriplet.Plots;

namespace MlNetTriplet.Tests.Plots;

[TestClass]
public sealed class PrecisionRecallCurveTests : PlotTests
{
    private static readonly bool[] Labels = [true, false, true, true, false, false, true, false];
    private static readonly float[] Scores = [0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.3f, 0.2f];

    [TestMethod]
    public void FromScores_GivesScikitLearnAveragePrecisionAndTheInterpolatedCurve()
    {
        var curve = PrecisionRecallCurve.FromScores("x", Labels, Scores);

        // Each positive adds a quarter of recall at the precision reached there: 1, 2/3, 3/4, 4/7.
        Assert.AreEqual(0.25 * (1 + 2.0 / 3 + 0.75 + 4.0 / 7), curve.AveragePrecision, 1e-12);
        Assert.AreEqual(0.5, curve.PositiveRate, 1e-12);
        CollectionAssert.AreEqual(new[] { 0, 0.25, 0.25, 0.5, 0.75, 0.75, 0.75, 1, 1 }, curve.Recalls.ToArray());
        double[] expected = [1, 1, 0.75, 0.75, 0.75, 0.6, 4.0 / 7, 4.0 / 7, 0.5];
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], curve.Precisions[i], 1e-12, $"point {i}");
    }

    [TestMethod]
    public void FromScores_TiedScores_MoveTogether()
    {
        var curve = PrecisionRecallCurve.FromScores("tie", [true, false], [0.3f, 0.3f]);
        CollectionAssert.AreEqual(new[] { 0.0, 1 }, curve.Recalls.ToArray());
        Assert.AreEqual(0.5, curve.AveragePrecision, 1e-12);
    }

    [TestMethod]
    public void FromScores_WithoutPositives_ThrowsSayingRecallIsUndefined()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => PrecisionRecallCurve.FromScores("x", [false, false], [0.1f, 0.2f]));
        StringAssert.Contains(e.Message, "no positive row");
    }

    [TestMethod]
    public void SavePrecisionRecallCurves_WritesPngOfRequestedSize()
    {
        string path = Path.Combine(Folder, "pr.png");
        TrainingPlots.SavePrecisionRecallCurves(
            [PrecisionRecallCurve.FromScores("network", Labels, Scores), PrecisionRecallCurve.FromScores("baseline", Labels, [.. Scores.Reverse()])],
            path, "PR", width: 500, height: 450);
        Assert.AreEqual((500, 450), PngAssert.ReadPngSize(path));
        Assert.IsGreaterThan(5000L, new FileInfo(path).Length, "a plot with lines, not an empty image");
    }
}
