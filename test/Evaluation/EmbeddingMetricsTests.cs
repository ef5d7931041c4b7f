using MlNetTriplet.Evaluation;
using MlNetTriplet.Neighbors;

namespace MlNetTriplet.Tests.Evaluation;

/// <summary>The metric core on plain arrays: hand-computed values, a brute-force reference, determinism.</summary>
[TestClass]
public sealed class EmbeddingMetricsTests
{
    private static readonly ParallelOptions AllCores = new();

    private static EmbeddingMetrics Evaluate(float[] rows, int[] labels, int dims, EmbeddingEvaluationOptions? options = null,
        LabeledEmbeddings? reference = null, ParallelOptions? po = null) =>
        EmbeddingEvaluator.Evaluate(new LabeledEmbeddings(rows, labels, labels.Length, dims), reference,
            options ?? new EmbeddingEvaluationOptions(), "label column 'Label'", po ?? AllCores);

    /// <summary>Seven points on a line: A = {0, 2, 4}, B = {3, 6, 7}, C = {20} (a singleton). Sorted neighbours,
    /// ties by index (R = 2 for A and B):
    /// 0 → 1A 2B | P@1 1, RP 1/2, AP 1/2;   1 (at 2) → 2B 0A | 0, 1/2, 1/4;   2 (at 3) → 1A 3A | 0, 0, 0;
    /// 3 (at 4) → 2B, then 1A and 4B tie at 2 and 1 wins | 0, 1/2, 1/4;   4 (at 6) → 5B 3A | 1, 1/2, 1/2;
    /// 5 (at 7) → 4B 3A | 1, 1/2, 1/2;   6 (C) excluded.</summary>
    private static readonly float[] Line = [0, 2, 3, 4, 6, 7, 20];
    private static readonly int[] LineLabels = [0, 0, 1, 0, 1, 1, 2];

    [TestMethod]
    public void RetrievalMetrics_MatchHandComputedValues_SingletonExcluded_TiesByIndex()
    {
        var m = Evaluate(Line, LineLabels, 1);
        Assert.AreEqual(3.0 / 6, m.PrecisionAt1, 1e-12);
        Assert.AreEqual(2.5 / 6, m.RPrecision, 1e-12);
        Assert.AreEqual(2.0 / 6, m.MeanAveragePrecisionAtR, 1e-12);
        Assert.AreEqual(7, m.Rows);
        Assert.AreEqual(3, m.Classes);
        Assert.AreEqual(1, m.SingletonRows);
    }

    [TestMethod]
    public void KnnAccuracy_LeaveOneOut_MajorityThenNearestClassOnATie()
    {
        // k = 3 → 0: A B A ✓, 1: B A A ✓, 2: A A A ✗, 3: B A B ✗, 4: B A B ✓, 5: B A B ✓, 6 (C): B B A ✗.
        Assert.AreEqual(4.0 / 7, Evaluate(Line, LineLabels, 1, new() { KnnNeighborCount = 3 }).KnnAccuracy, 1e-12);
        // k = 2 → 1: B A is a tie and the nearest vote (B) wins ✗ (a smallest-label rule would say A ✓);
        // 0: A B ✓, 2: A A ✗, 3: B A ✗, 4: B A ✓, 5: B A ✓, 6: B B ✗.
        var m = Evaluate(Line, LineLabels, 1, new() { KnnNeighborCount = 2 });
        Assert.AreEqual(3.0 / 7, m.KnnAccuracy, 1e-12);
        Assert.AreEqual(0, m.ReferenceRows);
        // Every other row voting is allowed; more neighbours than that is refused, not silently clamped.
        Assert.AreEqual(6, Evaluate(Line, LineLabels, 1, new() { KnnNeighborCount = 6 }).KnnNeighborCount);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Evaluate(Line, LineLabels, 1, new() { KnnNeighborCount = 7 }));
    }

    [TestMethod]
    public void KnnAccuracy_AgainstReference_NearestReferenceRowVotes()
    {
        // Reference 1 (A), 5 (B), 6.5 (B); k = 1: 0 → A ✓, 2 → A ✓, 3 → 1 and 5 tie at 2, index 0 (A) wins ✗,
        // 4 → B ✗, 6 → B ✓, 7 → B ✓, 20 → B ✗ (C is not in the reference).
        var reference = new LabeledEmbeddings([1f, 5f, 6.5f], [0, 1, 1], 3, 1);
        var m = Evaluate(Line, LineLabels, 1, new() { KnnNeighborCount = 1 }, reference);
        Assert.AreEqual(4.0 / 7, m.KnnAccuracy, 1e-12);
        Assert.AreEqual(3, m.ReferenceRows);
        // The retrieval metrics still search the evaluated rows only.
        Assert.AreEqual(3.0 / 6, m.PrecisionAt1, 1e-12);
    }

    [TestMethod]
    public void CosineDistance_RanksByAngleNotLength()
    {
        // Euclidean: 0's nearest is 2 (B) and 2's is 0 (A); by angle, 0 ↔ 1 and 2 ↔ 3 pair up.
        float[] rows = [1, 0, 100, 1, 0.9f, 0.9f, 1, 50];
        int[] labels = [0, 0, 1, 1];
        Assert.AreEqual(0.5, Evaluate(rows, labels, 2).PrecisionAt1, 1e-12);
        var cosine = Evaluate(rows, labels, 2, new() { Distance = DistanceMetric.Cosine });
        Assert.AreEqual(1.0, cosine.PrecisionAt1, 1e-12);
        Assert.AreEqual(1.0, cosine.MeanAveragePrecisionAtR, 1e-12);
        Assert.AreEqual(DistanceMetric.Cosine, cosine.Distance);
    }

    [TestMethod]
    public void NormalizedMutualInformation_ArithmeticNormalisation()
    {
        // Joint counts (0,0) 2, (0,1) 1, (1,1) 1, (1,2) 2 of 6: I = (2/6) ln 2 + 0 + 0 + (2/6) ln 2 = (2/3) ln 2;
        // H(U) = ln 2, H(V) = ln 3; NMI = I / ((ln 2 + ln 3) / 2) = 0.51580374...
        double expected = 2.0 / 3 * Math.Log(2) / ((Math.Log(2) + Math.Log(3)) / 2);
        Assert.AreEqual(expected, ClusterAgreement.NormalizedMutualInformation([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]), 1e-12);
        Assert.AreEqual(1.0, ClusterAgreement.NormalizedMutualInformation([0, 0, 1, 1, 2], [7, 7, 3, 3, 5]), 1e-12);
        Assert.AreEqual(0.0, ClusterAgreement.NormalizedMutualInformation([0, 0, 1, 1], [0, 1, 0, 1]), 1e-12);
    }

    [TestMethod]
    public void KMeans_RecoversSeparatedClusters_NmiOne()
    {
        var (rows, labels) = Blobs(classes: 4, perClass: 50, dims: 8, spread: 0.05, seed: 3);
        var m = Evaluate(rows, labels, 8);
        Assert.AreEqual(1.0, m.NormalizedMutualInformation!.Value, 1e-12);
        Assert.AreEqual(1.0, m.PrecisionAt1);
        Assert.IsNull(Evaluate(rows, labels, 8, new() { ComputeClusterQuality = false }).NormalizedMutualInformation);
    }

    /// <summary>Integer coordinates make every distance exact in float and double and full of ties, so the fast
    /// path must agree exactly with a plain sort of all distances.</summary>
    [TestMethod]
    [DataRow(1, DistanceMetric.Euclidean)]
    [DataRow(2, DistanceMetric.Euclidean)]
    [DataRow(1, DistanceMetric.SquaredEuclidean)]
    [DataRow(2, DistanceMetric.Manhattan)]
    public void AllMetrics_MatchBruteForce_OnRandomIntegerData(int seed, DistanceMetric distance)
    {
        const int n = 300, dims = 5, k = 7;
        var rng = new Random(seed);
        var rows = Enumerable.Range(0, n * dims).Select(_ => (float)rng.Next(4)).ToArray();
        var labels = Enumerable.Range(0, n).Select(i => i == 17 ? 9 : rng.Next(5)).ToArray();   // 17 is a singleton
        var m = Evaluate(rows, labels, dims, new() { KnnNeighborCount = k, ComputeClusterQuality = false, Distance = distance });
        // Squared differences rank as Euclidean and squared Euclidean do.
        double Difference(double x) => distance == DistanceMetric.Manhattan ? Math.Abs(x) : x * x;

        double p1 = 0, rp = 0, map = 0;
        int retrieved = 0, knnHits = 0;
        for (int q = 0; q < n; q++)
        {
            var order = Enumerable.Range(0, n).Where(j => j != q)
                .OrderBy(j => Enumerable.Range(0, dims).Sum(d => Difference(rows[q * dims + d] - rows[j * dims + d])))
                .ThenBy(j => j).ToArray();
            var votes = order.Take(k).GroupBy(j => labels[j]).ToDictionary(g => g.Key, g => g.Count());
            int predicted = labels[order.First(j => votes[labels[j]] == votes.Values.Max())];
            if (predicted == labels[q]) knnHits++;
            int r = labels.Count(l => l == labels[q]) - 1;
            if (r == 0) continue;
            retrieved++;
            p1 += labels[order[0]] == labels[q] ? 1 : 0;
            int hits = 0;
            double ap = 0;
            for (int t = 0; t < r; t++)
                if (labels[order[t]] == labels[q]) ap += ++hits / (t + 1.0);
            rp += hits / (double)r;
            map += ap / r;
        }
        Assert.AreEqual(1, m.SingletonRows);
        Assert.AreEqual(p1 / retrieved, m.PrecisionAt1, 1e-12);
        Assert.AreEqual(rp / retrieved, m.RPrecision, 1e-12);
        Assert.AreEqual(map / retrieved, m.MeanAveragePrecisionAtR, 1e-12);
        Assert.AreEqual(knnHits / (double)n, m.KnnAccuracy, 1e-12);
    }

    [TestMethod]
    [DataRow(DistanceMetric.Euclidean)]
    [DataRow(DistanceMetric.Cosine)]
    public void Results_DoNotDependOnThreadCount(DistanceMetric distance)
    {
        var (rows, labels) = Blobs(classes: 6, perClass: 200, dims: 24, spread: 1.5, seed: 5);
        var reference = Blobs(classes: 6, perClass: 50, dims: 24, spread: 1.5, seed: 6);
        var options = new EmbeddingEvaluationOptions { Distance = distance, Seed = 11 };
        var refSet = new LabeledEmbeddings(reference.Rows, reference.Labels, reference.Labels.Length, 24);
        var one = Evaluate(rows, labels, 24, options, null, new ParallelOptions { MaxDegreeOfParallelism = 1 });
        var four = Evaluate(rows, labels, 24, options, null, new ParallelOptions { MaxDegreeOfParallelism = 4 });
        Assert.AreEqual(one, four);
        // Overlapping blobs: the metrics are informative, not saturated.
        Assert.IsTrue(one.PrecisionAt1 is > 0.3 and < 1, $"{one}");
        Assert.AreEqual(
            Evaluate(rows, labels, 24, options, refSet, new ParallelOptions { MaxDegreeOfParallelism = 1 }),
            Evaluate(rows, labels, 24, options, refSet, new ParallelOptions { MaxDegreeOfParallelism = 3 }));
    }

    [TestMethod]
    public void NeedsTwoClassesAndASameClassPartner()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Evaluate([0, 1, 2], [4, 4, 4], 1)).Message,
            "label column 'Label' has 1 distinct value(s) over 3 rows");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Evaluate([0, 1, 2], [0, 1, 2], 1)).Message,
            "no row has a same-class partner");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            Evaluate(Line, LineLabels, 1, new() { KnnNeighborCount = 0 })).Message, "KnnNeighborCount is 0");
    }

    [TestMethod]
    public void SelectSmallest_PutsTheSmallestKeysFirst()
    {
        var rng = new Random(4);
        foreach (int length in new[] { 1, 2, 3, 10, 1000 })
            foreach (int m in new[] { 1, length / 2 + 1, length })
            {
                var keys = Enumerable.Range(0, length).Select(i => (ulong)rng.Next(50) << 32 | (uint)i).ToArray();
                var expected = keys.Order().Take(m).ToArray();
                ExactSearch.SelectSmallest(keys, m);
                CollectionAssert.AreEqual(expected, keys.Take(m).Order().ToArray(), $"length {length}, m {m}");
            }
    }

    /// <summary>Gaussian blobs, one per class, centres on a scaled simplex-like grid.</summary>
    internal static (float[] Rows, int[] Labels) Blobs(int classes, int perClass, int dims, double spread, int seed)
    {
        var rng = new Random(seed);
        var rows = new float[classes * perClass * dims];
        var labels = new int[classes * perClass];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = i % classes;
            for (int d = 0; d < dims; d++)
            {
                double gaussian = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                rows[i * dims + d] = (float)((d % classes == labels[i] ? 3.0 : 0.0) + spread * gaussian);
            }
        }
        return (rows, labels);
    }
}
