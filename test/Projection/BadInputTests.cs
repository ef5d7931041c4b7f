using MlNetTriplet.Projection;

namespace MlNetTriplet.Tests.Projection;

[TestClass]
public sealed class BadInputTests
{
    private static float[] Rows(int rows, int dims)
    {
        var rng = new Random(1);
        return Enumerable.Range(0, rows * dims).Select(_ => (float)rng.NextDouble()).ToArray();
    }

    [TestMethod]
    public void TooFewRows_NamesTheCounts()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => UmapModel.Fit(Rows(15, 4), 15, 4, new UmapOptions()));
        StringAssert.Contains(e.Message, "got 15 rows for NeighborCount 15; expected at least 16");
    }

    [TestMethod]
    [DataRow(float.NaN)]
    [DataRow(float.PositiveInfinity)]
    public void NonFiniteValue_NamesRowAndColumn(float bad)
    {
        var x = Rows(40, 4);
        x[23 * 4 + 2] = bad;
        var e = Assert.ThrowsExactly<ArgumentException>(() => UmapModel.Fit(x, 40, 4, new UmapOptions()));
        StringAssert.Contains(e.Message, "Row 23, column 2");

        var model = UmapModel.Fit(Rows(40, 4), 40, 4, new UmapOptions { Seed = 1, EpochCount = 5 });
        var q = Rows(3, 4);
        q[1 * 4 + 3] = bad;
        e = Assert.ThrowsExactly<ArgumentException>(() => model.Transform(q, 3));
        StringAssert.Contains(e.Message, "Row 1, column 3");
    }

    [TestMethod]
    public void InvalidOptions_NameTheOption()
    {
        var x = Rows(40, 4);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            UmapModel.Fit(x, 40, 4, new UmapOptions { ComponentCount = 0 })).Message, "UmapOptions.ComponentCount is 0");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() =>
            UmapModel.Fit(x, 40, 4, new UmapOptions { MinDistance = 2f, Spread = 1f })).Message, "MinDistance is 2 while UmapOptions.Spread is 1");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            UmapModel.Fit(x, 40, 4, new UmapOptions { NeighborCount = 1 })).Message, "UmapOptions.NeighborCount is 1");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() =>
            UmapModel.Fit(x, 39, 4, new UmapOptions())).Message, "Expected 39 rows x 4 values");
    }

    [TestMethod]
    [DataRow(DistanceMetric.Correlation)]
    [DataRow(DistanceMetric.Cosine)]
    public void ZeroVarianceRows_GiveFiniteOutput(DistanceMetric metric)
    {
        var x = Rows(60, 6);
        for (int d = 0; d < 6; d++) { x[5 * 6 + d] = metric == DistanceMetric.Correlation ? 0.5f : 0f; x[9 * 6 + d] = 0f; }
        var model = UmapModel.Fit(x, 60, 6, new UmapOptions { Metric = metric, Seed = 1, EpochCount = 50 });
        Assert.IsTrue(model.Embedding.All(float.IsFinite));
        var q = new float[12];
        Array.Fill(q, 0.25f, 0, 6);   // constant row (zero vector after centring) and a zero row
        Assert.IsTrue(model.Transform(q, 2).All(float.IsFinite));
    }
}
