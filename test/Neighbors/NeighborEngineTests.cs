using System.Diagnostics;
using MlNetTriplet.Neighbors;
using MlNetTriplet.Tests.Projection;

namespace MlNetTriplet.Tests.Neighbors;

/// <summary>The neighbour engine on real Fashion-MNIST rows: exact search against brute force in double, for every
/// metric, by dot products or pair by pair; NN-descent's recall; results independent of the thread count.</summary>
[TestClass]
public sealed class NeighborEngineTests
{
    public TestContext TestContext { get; set; } = null!;

    private static readonly ParallelOptions AllCores = new(), OneThread = new() { MaxDegreeOfParallelism = 1 };

    [TestMethod]
    [DataRow("Euclidean")]
    [DataRow("SquaredEuclidean")]
    [DataRow("Manhattan")]
    [DataRow("Cosine")]
    [DataRow("Correlation")]
    public void ExactSearch_MatchesBruteForceInDouble(string metricName)
    {
        var kind = Enum.Parse<DistanceMetric>(metricName);
        const int rows = 400, k = 10;
        var (x, _) = ProjectionData.TestRows(rows);
        int dims = ProjectionData.Dims;
        var metric = DistanceKernel.For(kind);
        var packed = PackedRows.Pack(x, rows, dims, metric, AllCores);
        var idx = new int[rows * k];
        var dist = new float[rows * k];
        ExactSearch.Nearest(packed, packed, metric, k, sameSet: true, idx, dist, AllCores);
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

    private static double Reference(DistanceMetric kind, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0, ma = 0, mb = 0;
        if (kind == DistanceMetric.Correlation)
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
                case DistanceMetric.Euclidean or DistanceMetric.SquaredEuclidean: s += (u - v) * (u - v); break;
                case DistanceMetric.Manhattan: s += Math.Abs(u - v); break;
                default: s += u * v; na += u * u; nb += v * v; break;
            }
        }
        return kind switch
        {
            DistanceMetric.Euclidean => Math.Sqrt(s),
            DistanceMetric.SquaredEuclidean or DistanceMetric.Manhattan => s,
            _ => 1 - s / Math.Sqrt(na * nb),
        };
    }

    [TestMethod]
    public void ExactSearch_PairByPair_RanksByTheKernelsOwnDistances_TiesByIndex()
    {
        const int queries = 50, rows = 300, k = 7;
        var (x, _) = ProjectionData.TrainRows(rows);
        int dims = ProjectionData.Dims;
        // Chebyshev: a distance the engine only knows as code; rows 1 and 2 duplicated to make exact ties.
        x.AsSpan(0, dims).CopyTo(x.AsSpan(2 * dims, dims));
        var metric = DistanceKernel.Custom((a, b) =>
        {
            float max = 0;
            for (int d = 0; d < a.Length; d++) max = Math.Max(max, Math.Abs(a[d] - b[d]));
            return max;
        });
        var gallery = PackedRows.Pack(x, rows, dims, metric, AllCores);
        var query = PackedRows.Pack(x[(100 * dims)..((100 + queries) * dims)], queries, dims, metric, AllCores);
        var idx = new int[queries * k];
        var dist = new float[queries * k];
        ExactSearch.Nearest(query, gallery, metric, k, sameSet: false, idx, dist, AllCores);
        for (int q = 0; q < queries; q++)
        {
            var expected = Enumerable.Range(0, rows)
                .Select(j => (D: metric.Reduced(x.AsSpan((100 + q) * dims, dims), x.AsSpan(j * dims, dims)), J: j))
                .OrderBy(p => p.D).ThenBy(p => p.J).Take(k).ToArray();
            CollectionAssert.AreEqual(expected.Select(p => p.J).ToArray(), idx.AsSpan(q * k, k).ToArray(), $"query {q}");
            CollectionAssert.AreEqual(expected.Select(p => p.D).ToArray(), dist.AsSpan(q * k, k).ToArray(), $"query {q}");
        }
    }

    [TestMethod]
    [DataRow("Euclidean")]
    [DataRow("Manhattan")]
    public void ExactSearch_OneThreadOrAll_SameNeighboursAndDistances(string metricName)
    {
        var kind = Enum.Parse<DistanceMetric>(metricName);
        const int rows = 700, k = 12;
        var (x, _) = ProjectionData.TrainRows(rows);
        var metric = DistanceKernel.For(kind);
        var packed = PackedRows.Pack(x, rows, ProjectionData.Dims, metric, AllCores);
        (int[], float[]) Search(ParallelOptions po)
        {
            var idx = new int[rows * k];
            var dist = new float[rows * k];
            ExactSearch.Nearest(packed, packed, metric, k, sameSet: true, idx, dist, po);
            return (idx, dist);
        }
        var (allIdx, allDist) = Search(AllCores);
        var (oneIdx, oneDist) = Search(OneThread);
        CollectionAssert.AreEqual(allIdx, oneIdx);
        CollectionAssert.AreEqual(allDist, oneDist);
    }

    [TestMethod]
    public void ForEachDistanceRow_GivesTheDistancesTheSearchRanks()
    {
        const int rows = 200, k = 5;
        var (x, _) = ProjectionData.TestRows(rows);
        var metric = DistanceKernel.For(DistanceMetric.Cosine);
        var packed = PackedRows.Pack(x, rows, ProjectionData.Dims, metric, AllCores);
        var idx = new int[rows * k];
        var dist = new float[rows * k];
        ExactSearch.Nearest(packed, packed, metric, k, sameSet: true, idx, dist, AllCores);
        var seen = new bool[rows];
        ExactSearch.ForEachDistanceRow(packed, packed, metric, (i, row) =>
        {
            Assert.AreEqual(rows, row.Length);
            for (int t = 0; t < k; t++)
                Assert.AreEqual(dist[i * k + t], row[idx[i * k + t]], $"row {i}, neighbour {t}");
            seen[i] = true;
        }, AllCores);
        Assert.IsTrue(seen.All(s => s));
    }

    [TestMethod]
    public void NNDescent_RecallAbove90PercentAndThreadCountIndependent()
    {
        const int rows = 5000, k = 14;
        var (x, _) = ProjectionData.TrainRows(rows);
        int dims = ProjectionData.Dims;
        var metric = DistanceKernel.For(DistanceMetric.Euclidean);
        var sw = Stopwatch.StartNew();
        var approx = NNDescent.Build(x, rows, dims, k, metric, 42, AllCores);
        double buildSeconds = sw.Elapsed.TotalSeconds;
        var idx = new int[rows * k];
        var dist = new float[rows * k];
        approx.CopyNeighbors(idx, dist);

        // Exact neighbours of every 10th row.
        const int sampled = rows / 10;
        var queries = new float[sampled * dims];
        for (int s = 0; s < sampled; s++) x.AsSpan(s * 10 * dims, dims).CopyTo(queries.AsSpan(s * dims));
        var exactIdx = new int[sampled * (k + 1)];
        ExactSearch.Nearest(PackedRows.Pack(queries, sampled, dims, null, AllCores), PackedRows.Pack(x, rows, dims, null, AllCores),
            metric, k + 1, sameSet: false, exactIdx, new float[sampled * (k + 1)], AllCores);
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

        var single = NNDescent.Build(x, rows, dims, k, metric, 42, OneThread);
        var idx1 = new int[rows * k];
        var dist1 = new float[rows * k];
        single.CopyNeighbors(idx1, dist1);
        CollectionAssert.AreEqual(idx, idx1, "NN-descent differs between 1 thread and all cores");
        CollectionAssert.AreEqual(dist, dist1);
    }
}
