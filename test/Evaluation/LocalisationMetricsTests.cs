using MlNetTriplet.Evaluation;
using MlNetTriplet.Explain;

namespace MlNetTriplet.Tests.Evaluation;

[TestClass]
public sealed class LocalisationMetricsTests
{
    [TestMethod]
    public void PointingHit_IsWhetherTheFirstMaximumLiesInTheBox()
    {
        float[] map = [0, 0.2f, 0.9f, 0.9f, 0.1f, 0];   // 3 wide: the first maximum is at (2, 0)
        Assert.IsTrue(LocalisationMetrics.PointingHit(map, 3, new ActivationBox(2, 0, 1, 1)));
        Assert.IsFalse(LocalisationMetrics.PointingHit(map, 3, new ActivationBox(0, 1, 3, 1)));
    }

    [TestMethod]
    public void RankCorrelation_IsSpearmansWithAverageRanksForTies()
    {
        Assert.AreEqual(1.0, LocalisationMetrics.RankCorrelation([1, 2, 3, 4], [10, 20, 30, 400]), 1e-12);
        Assert.AreEqual(-1.0, LocalisationMetrics.RankCorrelation([1, 2, 3, 4], [4, 3, 2, 1]), 1e-12);
        // Ranks [1, 2.5, 2.5, 4] against [1, 2, 3, 4]: Pearson = 4.5 / sqrt(4.5 * 5).
        Assert.AreEqual(4.5 / Math.Sqrt(4.5 * 5), LocalisationMetrics.RankCorrelation([0, 1, 1, 2], [1, 2, 3, 4]), 1e-12);
        Assert.AreEqual(0, LocalisationMetrics.RankCorrelation([1, 1, 1], [1, 2, 3]));
        Assert.ThrowsExactly<ArgumentException>(() => LocalisationMetrics.RankCorrelation([1, 2], [1, 2, 3]));
    }

    [TestMethod]
    public void DeletionImages_ReplaceTheOrderedPixelsByTheMeanColourStepByStep()
    {
        var shape = new ImageShape(2, 1, 4);
        float[] image = [0, 1, 2, 3, 4, 4, 8, 8];                    // channel means 1.5 and 6
        int[] order = DeletionCurve.MostRelevantFirst([0.1f, 0.9f, 0.5f, 0.9f]);
        CollectionAssert.AreEqual(new[] { 1, 3, 2, 0 }, order, "ties keep pixel order");
        var steps = DeletionCurve.Images(image, shape, order, 2);
        Assert.HasCount(3 * 8, steps);
        CollectionAssert.AreEqual(image, steps[..8]);
        CollectionAssert.AreEqual(new[] { 0, 1.5f, 2, 1.5f, 4, 6, 8, 6 }, steps[8..16]);
        CollectionAssert.AreEqual(new[] { 1.5f, 1.5f, 1.5f, 1.5f, 6, 6, 6, 6 }, steps[16..]);
    }

    [TestMethod]
    public void DeletionArea_IsTheTrapezoidAreaOverTheUnitInterval()
    {
        Assert.AreEqual(0.5, DeletionCurve.Area([1, 0.5, 0]), 1e-12);
        Assert.AreEqual(1.0, DeletionCurve.Area([1, 1, 1, 1]), 1e-12);
        var order = DeletionCurve.RandomOrder(50, new Random(1));
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 50).ToArray(), order);
    }
}
