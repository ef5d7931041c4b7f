using System.Diagnostics;
using MlNetTriplet.Projection;

namespace MlNetTriplet.Tests.Projection;

[TestClass]
public sealed class NeighborTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow(UmapMetric.Euclidean)]
    [DataRow(UmapMetric.Manhattan)]
    [DataRow(UmapMetric.Cosine)]
    [DataRow(UmapMetric.Correlation)]
    public void ExactKnn_MatchesBruteForceInDouble(UmapMetric kind)
    {
        const int rows = 400, k = 10;
        var (x, _) = ProjectionData.TestRows(rows);
        int dims = ProjectionData.Dims;
        var metric = DistanceKernel.Create(new UmapOptions { Metric = kind });
        var prepared = metric.Prepare(x, rows, dims, new ParallelOptions());
        var idx = new int[rows * k];
        var dist = new float[rows * k];
        NearestNeighbors.Exact(prepared, rows, prepared, rows, dims, k, metric, true, idx, dist, new ParallelOptions());
        for (int i = 0; i < rows; i++)
        {
            var reference = Enumerable.Range(0, rows).Where(j => j != i)
                .Select(j => Reference(kind, x.AsSpan(i * dims, dims), x.AsSpan(j * dims, dims))).Order().Take(k).ToArray();
            for (int t = 0; t < k; t++)
            {
                double found = Reference(kind, x.AsSpan(i * dims, dims), x.AsSpan(idx[i * k + t] * dims, dims));
                Assert.AreEqual(reference[t], found, 1e-4 * Math.Max(1, reference[t]), $"row {i}, neighbour {t}");
                Assert.AreEqual(reference[t], metric.ToTrue(dist[i * k + t]), 1e-3 * Math.Max(1, reference[t]), $"row {i}, distance {t}");
            }
        }
    }

    private static double Reference(UmapMetric kind, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0, ma = 0, mb = 0;
        if (kind == UmapMetric.Correlation)
        {
            for (int d = 0; d < a.Length; d++) { ma += a[d]; mb += b[d]; }
            ma /= a.Length; mb /= a.Length;
        }
        double na = 0, nb = 0;
        for (int d = 0; d < a.Length; d++)
        {
            double u = a[d] - ma, v = b[d] - mb;
            switch (kind)
            {
                case UmapMetric.Euclidean: s += (u - v) * (u - v); break;
                case UmapMetric.Manhattan: s += Math.Abs(u - v); break;
                default: s += u * v; na += u * u; nb += v * v; break;
            }
        }
        return kind switch
        {
            UmapMetric.Euclidean => Math.Sqrt(s),
            UmapMetric.Manhattan => s,
            _ => 1 - s / Math.Sqrt(na * nb),
        };
    }

    [TestMethod]
    public void NNDescent_RecallAbove90PercentAndThreadCountIndependent()
    {
        const int rows = 5000, k = 14;
        var (x, _) = ProjectionData.TrainRows(rows);
        int dims = ProjectionData.Dims;
        var metric = DistanceKernel.Create(new UmapOptions());
        var sw = Stopwatch.StartNew();
        var approx = NNDescent.Build(x, rows, dims, k, metric, 42, new ParallelOptions());
        double buildSeconds = sw.Elapsed.TotalSeconds;
        var idx = new int[rows * k];
        var dist = new float[rows * k];
        approx.CopyNeighbors(idx, dist);

        // Exact neighbours of every 10th row (all 5,000 would take the test budget in a Debug build).
        const int sampled = rows / 10;
        var queries = new float[sampled * dims];
        for (int s = 0; s < sampled; s++) x.AsSpan(s * 10 * dims, dims).CopyTo(queries.AsSpan(s * dims));
        var exactIdx = new int[sampled * (k + 1)];
        NearestNeighbors.Exact(queries, sampled, x, rows, dims, k + 1, metric, false, exactIdx, new float[sampled * (k + 1)],
            new ParallelOptions());
        int hits = 0;
        for (int s = 0; s < sampled; s++)
        {
            int i = s * 10;
            var truth = new HashSet<int>(exactIdx.AsSpan(s * (k + 1), k + 1).ToArray().Where(j => j != i).Take(k));
            for (int t = 0; t < k; t++) if (truth.Contains(idx[i * k + t])) hits++;
        }
        double recall = hits / (double)(sampled * k);
        TestContext.WriteLine($"NN-descent recall {recall:F4} in {buildSeconds:F2}s ({approx.Iterations} rounds)");
        Assert.IsTrue(recall >= 0.9, $"recall {recall}");

        var single = NNDescent.Build(x, rows, dims, k, metric, 42, new ParallelOptions { MaxDegreeOfParallelism = 1 });
        var idx1 = new int[rows * k];
        var dist1 = new float[rows * k];
        single.CopyNeighbors(idx1, dist1);
        CollectionAssert.AreEqual(idx, idx1, "NN-descent differs between 1 thread and all cores");
        CollectionAssert.AreEqual(dist, dist1);
    }

    [TestMethod]
    public void SmoothKnn_SigmasHitLog2K()
    {
        const int rows = 1000, k = 15;
        var (x, _) = ProjectionData.TestRows(rows);
        var metric = DistanceKernel.Create(new UmapOptions());
        var knn = NearestNeighbors.ForFit(x, rows, ProjectionData.Dims, k, metric, 1, new ParallelOptions(), out _);
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
        var metric = DistanceKernel.Create(new UmapOptions());
        var knn = NearestNeighbors.ForFit(x, rows, ProjectionData.Dims, k, metric, 1, new ParallelOptions(), out _);
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
