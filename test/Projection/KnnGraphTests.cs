using MlNetTriplet.Neighbors;
using MlNetTriplet.Projection;

namespace MlNetTriplet.Tests.Projection;

[TestClass]
public sealed class KnnGraphTests
{
    [TestMethod]
    public void SmoothKnn_SigmasHitLog2K()
    {
        const int rows = 1000, k = 15;
        var (x, _) = ProjectionData.TestRows(rows);
        var metric = DistanceKernel.For(DistanceMetric.Euclidean);
        var knn = KnnGraph.ForFit(x, rows, ProjectionData.Dims, k, metric, 1, new ParallelOptions(), out _);
        var sigmas = new float[rows];
        var rhos = new float[rows];
        FuzzySimplicialSet.SmoothKnn(knn.Distances, rows, k, 1f, sigmas, rhos, new ParallelOptions());
        for (int i = 0; i < rows; i++)
        {
            Assert.AreEqual(knn.Distances[i * k + 1], rhos[i], "rho is the nearest non-self distance with local_connectivity 1");
            double sum = 0;
            for (int j = 1; j < k; j++) sum += Math.Exp(-Math.Max(0, knn.Distances[i * k + j] - rhos[i]) / sigmas[i]);
            Assert.AreEqual(Math.Log2(k), sum, 1e-3, $"row {i}");
        }
    }

    [TestMethod]
    public void FuzzyUnion_IsSymmetricWithWeightsInUnitInterval()
    {
        const int rows = 500, k = 15;
        var (x, _) = ProjectionData.TestRows(rows);
        var metric = DistanceKernel.For(DistanceMetric.Euclidean);
        var knn = KnnGraph.ForFit(x, rows, ProjectionData.Dims, k, metric, 1, new ParallelOptions(), out _);
        var g = FuzzySimplicialSet.Build(knn, 1f, 1f, new ParallelOptions(), out _, out _);
        var lookup = new Dictionary<(int, int), float>();
        for (int i = 0; i < rows; i++)
            for (int e = g.RowStart[i]; e < g.RowStart[i + 1]; e++)
            {
                Assert.AreNotEqual(i, g.Columns[e], "self loop");
                Assert.IsTrue(g.Weights[e] is > 0f and <= 1f);
                lookup[(i, g.Columns[e])] = g.Weights[e];
            }
        foreach (var ((i, j), w) in lookup) Assert.AreEqual(w, lookup[(j, i)], $"({i},{j})");
        // Every point's nearest neighbour is fully connected (membership 1, so union 1).
        for (int i = 0; i < rows; i++) Assert.AreEqual(1f, lookup[(i, knn.Indices[i * k + 1])], 1e-6f);
    }
}
