using MlNetTriplet.Training.Losses;
using MlNetTriplet.Training.Mining;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet.Tests.Embeddings;

/// <summary>Losses, miners and distances against values worked out by hand on tiny batches, and against plain loops
/// over every triplet on random batches.</summary>
[TestClass]
public sealed class TripletLossTests
{
    // One-dimensional embeddings 0, 2, 1, 5 with labels 0, 0, 1, 1: Euclidean distances d01 = 2, d02 = 1, d03 = 5,
    // d12 = 1, d13 = 3, d23 = 4.
    private static Tensor Points() => tensor(new float[] { 0, 2, 1, 5 }).reshape(4, 1);
    private static Tensor Labels() => tensor(new long[] { 0, 0, 1, 1 });

    private static float Loss(TripletMining mining, TripletLossKind kind, double margin, Tensor embeddings, Tensor labels,
        DistanceMetric distance = DistanceMetric.Euclidean, TripletReduction reduction = TripletReduction.Mean)
    {
        using var scope = NewDisposeScope();
        return new TripletObjective(mining, distance, kind, margin, reduction).Loss(embeddings, labels).item<float>();
    }

    [TestMethod]
    public void SemiHard_PicksClosestFartherNegative_ElseFarthestNegative()
    {
        // Margin 2. (a, p) = (0, 1): d_ap 2, negatives 1 and 5, the semi-hard one is 5: max(0, 2 + 2 - 5) = 0.
        // (1, 0): d_ap 2, negatives 1 and 3 -> 3 (not the hardest, 1): 2 + 2 - 3 = 1.
        // (2, 3): d_ap 4, negatives 1 and 1, none farther than 4 -> fallback to the farthest negative, 1: 2 + 4 - 1 = 5.
        // (3, 2): d_ap 4, negatives 5 and 3 -> 5: 2 + 4 - 5 = 1. Mean over the 4 positive pairs: 7 / 4.
        Assert.AreEqual(1.75f, Loss(TripletMining.SemiHard, TripletLossKind.Margin, 2.0, Points(), Labels()), 1e-6f);
        // Margin 1: only the fallback pair (2, 3) is positive: (1 + 4 - 1) / 4.
        Assert.AreEqual(1.0f, Loss(TripletMining.SemiHard, TripletLossKind.Margin, 1.0, Points(), Labels()), 1e-6f);
    }

    [TestMethod]
    public void SemiHard_DiagonalIsNeitherPositiveNorNegative()
    {
        // All labels different: no positive pair at all. The anchor itself (distance 0) must not count as a positive,
        // and the result is 0, not 0/0.
        var distinct = tensor(new long[] { 0, 1, 2, 3 });
        Assert.AreEqual(0f, Loss(TripletMining.SemiHard, TripletLossKind.Margin, 1.0, Points(), distinct));
        // A fifth point at 6, of a class of its own (a single row), adds no pair (its diagonal is not a positive) but
        // is a negative of everyone: for (2, 3) (d_ap 4) it is now the only negative farther than 4 (d = 5), replacing
        // the fallback: 2 + 4 - 5 = 1. The other pairs keep 0, 1, 1 (see above). Mean (0 + 1 + 1 + 1) / 4.
        var five = tensor(new float[] { 0, 2, 1, 5, 6 }).reshape(5, 1);
        var labels = tensor(new long[] { 0, 0, 1, 1, 2 });
        Assert.AreEqual(0.75f, Loss(TripletMining.SemiHard, TripletLossKind.Margin, 2.0, five, labels), 1e-6f);
    }

    [TestMethod]
    public void BatchHard_UsesFarthestPositiveAndClosestNegativePerAnchor()
    {
        // Anchor 0: positive 2, closest negative 1 -> 1 + 2 - 1 = 2; anchor 1: 2 vs min(1, 3) -> 2;
        // anchor 2: 4 vs min(1, 1) -> 4; anchor 3: 4 vs min(5, 3) -> 2. Mean 10 / 4.
        Assert.AreEqual(2.5f, Loss(TripletMining.BatchHard, TripletLossKind.Margin, 1.0, Points(), Labels()), 1e-6f);
    }

    [TestMethod]
    public void BatchAll_AveragesOverTripletsWithPositiveLoss()
    {
        // The 8 triplets' losses (margin 1): (0,1,2) 2, (0,1,3) 0, (1,0,2) 2, (1,0,3) 0, (2,3,0) 4, (2,3,1) 4,
        // (3,2,0) 0, (3,2,1) 2: sum 14 over 5 positive ones; over all 8 with Mean.
        Assert.AreEqual(2.8f, Loss(TripletMining.BatchAll, TripletLossKind.Margin, 1.0, Points(), Labels(),
            reduction: TripletReduction.MeanOfPositive), 1e-6f);
        Assert.AreEqual(1.75f, Loss(TripletMining.BatchAll, TripletLossKind.Margin, 1.0, Points(), Labels()), 1e-6f);
    }

    [TestMethod]
    public void SoftmaxRatio_OnGivenTriplets_MatchesHandComputedValue()
    {
        // Rows: anchors, then positives, then negatives. Triplet 1: a (0,0), p (1,0), n (1,1): L1 d_ap 1, d_an 2.
        // Triplet 2: a (0,0), p (0,3), n (1,0): d_ap 3, d_an 1.
        var e = tensor(new float[] { 0, 0, 0, 0, 1, 0, 0, 3, 1, 1, 1, 0 }).reshape(6, 2);
        var labels = tensor(new long[] { 0, 0, 0, 0, 1, 1 });
        static double Ratio(double ap, double an)
        {
            double pAp = Math.Exp(ap) / (Math.Exp(ap) + Math.Exp(an));
            return Math.Abs(pAp) + Math.Abs(1 - (1 - pAp));
        }
        double expected = (Ratio(1, 2) + Ratio(3, 1)) / 2;   // 0.5379 and 1.7616
        Assert.AreEqual(expected, Loss(TripletMining.None, TripletLossKind.SoftmaxRatio, 0, e, labels, DistanceMetric.Manhattan), 1e-6);
        // The margin loss on the same given triplets, Euclidean: max(0, 1 + 1 - sqrt 2) and max(0, 1 + 3 - 1).
        Assert.AreEqual((2 - Math.Sqrt(2) + 3) / 2, Loss(TripletMining.None, TripletLossKind.Margin, 1.0, e, labels), 1e-6);
    }

    [TestMethod]
    public void Distances_PairwiseAndPaired_MatchDefinitions()
    {
        var e = tensor(new float[] { 1, 0, 0, 2, -1, 1 }).reshape(3, 2);
        float[] Pairwise(DistanceMetric d) => TensorDistances.Pairwise(e, d).data<float>().ToArray();
        CollectionAssert.AreEqual(new float[] { 0, 3, 3, 3, 0, 2, 3, 2, 0 }, Pairwise(DistanceMetric.Manhattan));
        CollectionAssert.AreEqual(new float[] { 0, 5, 5, 5, 0, 2, 5, 2, 0 }, Pairwise(DistanceMetric.SquaredEuclidean));
        var euclidean = Pairwise(DistanceMetric.Euclidean);
        Assert.AreEqual(Math.Sqrt(5), euclidean[1], 1e-6);
        Assert.AreEqual(Math.Sqrt(2), euclidean[5], 1e-6);
        var cosine = Pairwise(DistanceMetric.Cosine);
        Assert.AreEqual(1.0, cosine[1], 1e-6);                         // (1,0) vs (0,2): orthogonal
        Assert.AreEqual(1 + 1 / Math.Sqrt(2), cosine[2], 1e-6);       // (1,0) vs (-1,1): 135 degrees
        Assert.AreEqual(0f, cosine[4]);                                // diagonal exactly 0
        var paired = TensorDistances.Paired(e.narrow(0, 0, 2), e.narrow(0, 1, 2), DistanceMetric.Manhattan).data<float>().ToArray();
        CollectionAssert.AreEqual(new float[] { 3, 2 }, paired);
    }

    [TestMethod]
    public void Euclidean_OfIdenticalEmbeddings_HasFiniteGradient()
    {
        // Two rows of a class at the same point: sqrt's derivative at 0 is infinite; the masked square root keeps it 0.
        var e = tensor(new float[] { 0.6f, 0.8f, 0.6f, 0.8f, 1, 0 }).reshape(3, 2).requires_grad_();
        var loss = new TripletObjective(TripletMining.SemiHard, DistanceMetric.Euclidean, TripletLossKind.Margin, 1.0,
            TripletReduction.Mean).Loss(e, tensor(new long[] { 0, 0, 1 }));
        loss.backward();
        Assert.IsTrue(e.grad!.isfinite().all().item<bool>(), "gradient must be finite");
        Assert.IsTrue(loss.item<float>() > 0);
    }

    [TestMethod]
    public void Miners_MatchBruteForceLoops_OnRandomBatches()
    {
        var random = new Random(7);
        foreach (var distance in new[] { DistanceMetric.Euclidean, DistanceMetric.SquaredEuclidean, DistanceMetric.Manhattan, DistanceMetric.Cosine })
        {
            for (int trial = 0; trial < 3; trial++)
            {
                int n = 12, dim = 3;
                var values = Enumerable.Range(0, n * dim).Select(_ => (float)random.NextDouble()).ToArray();
                var labels = Enumerable.Range(0, n).Select(_ => (long)random.Next(3)).ToArray();
                var e = tensor(values).reshape(n, dim);
                var d = TensorDistances.Pairwise(e, distance).data<float>().ToArray();
                double D(int i, int j) => d[i * n + j];
                var (semi, hard, all, allPositive) = BruteForce(n, labels, D, margin: 0.3);
                var y = tensor(labels);
                string at = $"{distance}, trial {trial}";
                Assert.AreEqual(semi, Loss(TripletMining.SemiHard, TripletLossKind.Margin, 0.3, e, y, distance), 1e-5, at);
                Assert.AreEqual(hard, Loss(TripletMining.BatchHard, TripletLossKind.Margin, 0.3, e, y, distance), 1e-5, at);
                Assert.AreEqual(all, Loss(TripletMining.BatchAll, TripletLossKind.Margin, 0.3, e, y, distance), 1e-5, at);
                Assert.AreEqual(allPositive, Loss(TripletMining.BatchAll, TripletLossKind.Margin, 0.3, e, y, distance,
                    TripletReduction.MeanOfPositive), 1e-5, at);
            }
        }
    }

    /// <summary>The four losses by their textbook definitions, one triplet at a time.</summary>
    private static (double semi, double hard, double all, double allPositive) BruteForce(int n, long[] labels,
        Func<int, int, double> d, double margin)
    {
        double semiSum = 0, hardSum = 0, allSum = 0;
        int pairs = 0, anchors = 0, triplets = 0, positiveTriplets = 0;
        for (int a = 0; a < n; a++)
        {
            var negatives = Enumerable.Range(0, n).Where(k => labels[k] != labels[a]).ToList();
            var positives = Enumerable.Range(0, n).Where(k => k != a && labels[k] == labels[a]).ToList();
            foreach (int p in positives)
            {
                var farther = negatives.Where(k => d(a, k) > d(a, p)).ToList();
                double negative = farther.Count > 0 ? farther.Min(k => d(a, k))
                    : negatives.Count > 0 ? negatives.Max(k => d(a, k)) : 0;
                semiSum += Math.Max(0, margin + d(a, p) - negative);
                pairs++;
                foreach (int k in negatives)
                {
                    double l = Math.Max(0, margin + d(a, p) - d(a, k));
                    allSum += l;
                    triplets++;
                    if (l > 0)
                        positiveTriplets++;
                }
            }
            if (positives.Count > 0 && negatives.Count > 0)
            {
                hardSum += Math.Max(0, margin + positives.Max(p => d(a, p)) - negatives.Min(k => d(a, k)));
                anchors++;
            }
        }
        return (semiSum / Math.Max(pairs, 1), hardSum / Math.Max(anchors, 1), allSum / Math.Max(triplets, 1),
            allSum / Math.Max(positiveTriplets, 1));
    }
}
