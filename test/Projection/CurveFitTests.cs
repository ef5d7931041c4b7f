using MlNetTriplet.Projection;

namespace MlNetTriplet.Tests.Projection;

[TestClass]
public sealed class CurveFitTests
{
    // Reference values: scipy.optimize.curve_fit on umap-learn's find_ab_params target (scipy 1.10.1).
    [TestMethod]
    [DataRow(1f, 0.1f, 1.57694346, 0.89506088)]
    [DataRow(1f, 0.3f, 0.99217562, 1.11225338)]
    [DataRow(2f, 0.5f, 0.25887874, 1.05749970)]
    [DataRow(1f, 0f, 1.93280840, 0.79049497)]
    [DataRow(1f, 0.99f, 0.11930530, 1.91639042)]
    public void FindAB_MatchesScipyCurveFit(float spread, float minDistance, double a, double b)
    {
        var (fa, fb) = CurveFit.FindAB(spread, minDistance);
        Assert.AreEqual(a, fa, 2e-4 * Math.Max(1, a), $"a for spread {spread}, min_dist {minDistance}");
        Assert.AreEqual(b, fb, 2e-4, $"b for spread {spread}, min_dist {minDistance}");
    }

    [TestMethod]
    public void SymmetricEigen_RecoversEigenpairs()
    {
        var rng = new Random(3);
        int n = 12;
        var m = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) m[i, j] = m[j, i] = rng.NextDouble() - 0.5;
        var (values, vectors) = SymmetricEigen.Decompose(m, n);
        for (int c = 0; c < n; c++)
        {
            if (c > 0) Assert.IsTrue(values[c] <= values[c - 1], "eigenvalues not descending");
            for (int i = 0; i < n; i++)
            {
                double av = 0;
                for (int j = 0; j < n; j++) av += m[i, j] * vectors[j, c];
                Assert.AreEqual(values[c] * vectors[i, c], av, 1e-9);
            }
        }
    }
}
