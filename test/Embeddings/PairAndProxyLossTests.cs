using MlNetTriplet.Neighbors;
using MlNetTriplet.Training;
using MlNetTriplet.Training.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet.Tests.Embeddings;

/// <summary>The contrastive, multi-similarity and Proxy Anchor losses against values worked out by hand on tiny
/// batches, each from its paper's formula; and the proxies as parameters that train.</summary>
[TestClass]
public sealed class PairAndProxyLossTests
{
    private static float Value(ITrainingObjective loss, Tensor embeddings, Tensor labels)
    {
        using var scope = NewDisposeScope();
        return loss.Loss(embeddings, labels).item<float>();
    }

    /// <summary>Unit vectors at these angles (degrees).</summary>
    private static Tensor AtAngles(params double[] degrees) => tensor(degrees
        .SelectMany(a => new[] { (float)Math.Cos(a * Math.PI / 180), (float)Math.Sin(a * Math.PI / 180) }).ToArray())
        .reshape(degrees.Length, 2);

    [TestMethod]
    public void Contrastive_OnOneDimensionalPoints_MatchesHandComputedValue()
    {
        // Points 0, 2, 1, 5 with labels 0, 0, 1, 1: positive pairs (both orders) at distances 2, 2, 4, 4; negative pairs
        // at 1, 5, 1, 3 (and again reversed). Positive margin 0.5: 1.5, 1.5, 3.5, 3.5, all above zero, mean 2.5.
        // Negative margin 2: max(0, 2 - d) is 1 for the two pairs at distance 1 (four ordered pairs), 0 for the others.
        var points = tensor(new float[] { 0, 2, 1, 5 }).reshape(4, 1);
        var labels = tensor(new long[] { 0, 0, 1, 1 });
        var meanOfPositive = new ContrastiveObjective(DistanceMetric.Euclidean, 0.5, 2, TripletReduction.MeanOfPositive);
        var mean = new ContrastiveObjective(DistanceMetric.Euclidean, 0.5, 2, TripletReduction.Mean);
        Assert.AreEqual(2.5 + 4 * 1.0 / 4, Value(meanOfPositive, points, labels), 1e-6);
        Assert.AreEqual(2.5 + 4 * 1.0 / 8, Value(mean, points, labels), 1e-6);
        // Margins 0 and 1 (pytorch-metric-learning's defaults): no negative pair is closer than 1; positives mean 3.
        Assert.AreEqual(3.0, Value(new ContrastiveObjective(DistanceMetric.Euclidean, 0, 1, TripletReduction.MeanOfPositive),
            points, labels), 1e-6);
    }

    [TestMethod]
    public void Contrastive_NegativeMarginDefault_IsOneOnEuclideanAndHalfOnCosine()
    {
        var options = new ContrastiveLossOptions();
        Assert.AreEqual(1.0, options.EffectiveNegativeMargin(DistanceMetric.Euclidean));
        Assert.AreEqual(0.5, options.EffectiveNegativeMargin(DistanceMetric.Cosine));
        Assert.AreEqual(0.3, (options with { NegativeMargin = 0.3 }).EffectiveNegativeMargin(DistanceMetric.Cosine));
        var defaults = new TripletEmbeddingOptions { Loss = TripletLossKind.Contrastive };
        Assert.AreEqual(DistanceMetric.Euclidean, defaults.EffectiveDistance);
        Assert.AreEqual(TripletReduction.MeanOfPositive, defaults.EffectiveReduction, "pytorch-metric-learning's AvgNonZeroReducer");
    }

    [TestMethod]
    public void MultiSimilarity_OnFourUnitVectors_MatchesHandComputedValue()
    {
        // Angles 0, 60 (class 0) and 90, 180 (class 1) degrees: S01 = 0.5, S02 = 0, S03 = -1, S12 = cos 30 = 0.866,
        // S13 = -0.5, S23 = 0. Mining with epsilon 0.1 per anchor:
        // 0: least similar positive 0.5; negatives 0 and -1, neither + 0.1 above 0.5: no negative kept, 0 adds nothing.
        // 1: positive 0.5 (0.4 < most similar negative 0.866: kept); negatives 0.866 (0.966 > 0.5: kept) and -0.5.
        // 2: positive S23 = 0 (kept: -0.1 < 0.866); negatives S02 = 0 and S12 = 0.866, both + 0.1 above 0: kept.
        // 3: positive 0; negatives -1 and -0.5, neither + 0.1 above 0: adds nothing.
        double alpha = 2, beta = 50, lambda = 0.5, s12 = Math.Sqrt(3) / 2;
        double Positive(params double[] s) => Math.Log(1 + s.Sum(v => Math.Exp(-alpha * (v - lambda)))) / alpha;
        double Negative(params double[] s) => Math.Log(1 + s.Sum(v => Math.Exp(beta * (v - lambda)))) / beta;
        double expected = (Positive(0.5) + Negative(s12) + Positive(0) + Negative(0, s12)) / 4;   // 0.43381
        var loss = new MultiSimilarityObjective(alpha, beta, lambda, epsilon: 0.1);
        Assert.AreEqual(expected, Value(loss, AtAngles(0, 60, 90, 180), tensor(new long[] { 0, 0, 1, 1 })), 1e-5);
        // The similarities are cosines: scaling a row changes nothing.
        var scaled = AtAngles(0, 60, 90, 180) * tensor(new float[] { 3, 0.5f, 2, 1 }).reshape(4, 1);
        Assert.AreEqual(expected, Value(loss, scaled, tensor(new long[] { 0, 0, 1, 1 })), 1e-5);
    }

    [TestMethod]
    public void MultiSimilarity_WithoutMining_KeepsEveryPair()
    {
        // Epsilon 2 keeps every pair (similarities lie in [-1, 1]): anchors 0 and 3 now count too.
        double alpha = 2, beta = 50, lambda = 0.5, s12 = Math.Sqrt(3) / 2;
        double Term(double[] positives, double[] negatives) =>
            Math.Log(1 + positives.Sum(v => Math.Exp(-alpha * (v - lambda)))) / alpha
            + Math.Log(1 + negatives.Sum(v => Math.Exp(beta * (v - lambda)))) / beta;
        double expected = (Term([0.5], [0, -1]) + Term([0.5], [s12, -0.5]) + Term([0], [0, s12]) + Term([0], [-1, -0.5])) / 4;
        var loss = new MultiSimilarityObjective(alpha, beta, lambda, epsilon: 2);
        Assert.AreEqual(expected, Value(loss, AtAngles(0, 60, 90, 180), tensor(new long[] { 0, 0, 1, 1 })), 1e-5);
    }

    [TestMethod]
    public void ProxyAnchor_WithSetProxies_MatchesHandComputedValue()
    {
        // Proxies of classes 0, 1, 2 at (1, 0), (0, 1), (-1, 0); rows (1, 0) and (0.6, 0.8) of class 0, (0, 1) of class 1.
        // Cosines row x proxy: [1, 0, -1], [0.6, 0.8, -0.6], [0, 1, 0]. Class 2 has no row: it is no positive anchor
        // (P+ = {0, 1}) but still a negative one (all three proxies).
        double alpha = 32, delta = 0.1;
        double Log1PlusSum(params double[] exponents) => Math.Log(1 + exponents.Sum(Math.Exp));
        double positive = (Log1PlusSum(-alpha * (1 - delta), -alpha * (0.6 - delta)) + Log1PlusSum(-alpha * (1 - delta))) / 2;
        double negative = (Log1PlusSum(alpha * (0 + delta))
                           + Log1PlusSum(alpha * (0 + delta), alpha * (0.8 + delta))
                           + Log1PlusSum(alpha * (-1 + delta), alpha * (-0.6 + delta), alpha * (0 + delta))) / 3;
        using var loss = new ProxyAnchorObjective(classes: 3, embeddingSize: 2, alpha, delta);
        using (no_grad())
            loss.Proxies.copy_(tensor(new float[] { 2, 0, 0, 0.5f, -1, 0 }).reshape(3, 2));   // lengths do not matter
        var rows = tensor(new float[] { 1, 0, 0.6f, 0.8f, 0, 1 }).reshape(3, 2);
        Assert.AreEqual(positive + negative, Value(loss, rows, tensor(new long[] { 0, 0, 1 })), 1e-4);
    }

    [TestMethod]
    public void ProxyAnchor_Proxies_AreParametersThatGetGradients()
    {
        using var loss = new ProxyAnchorObjective(classes: 4, embeddingSize: 8, alpha: 32, delta: 0.1);
        Assert.AreEqual(1, loss.parameters().Count());
        CollectionAssert.AreEqual(new long[] { 4, 8 }, loss.Proxies.shape);
        var rows = randn(6, 8).requires_grad_();
        var value = loss.Loss(rows, tensor(new long[] { 0, 0, 1, 1, 2, 2 }));
        value.backward();
        Assert.IsTrue(loss.Proxies.grad is { } g && g.abs().sum().item<float>() > 0, "proxies learn");
        Assert.IsTrue(rows.grad!.isfinite().all().item<bool>());
    }

    [TestMethod]
    public void Losses_WithLargeExponents_StayFinite()
    {
        // Beta 50 and alpha 32 times similarities near 1: exponents of 25-35, summed over many pairs.
        var rows = AtAngles(Enumerable.Range(0, 64).Select(i => i * 0.01).ToArray()).requires_grad_();
        var labels = tensor(Enumerable.Range(0, 64).Select(i => (long)(i % 2)).ToArray());
        var ms = new MultiSimilarityObjective(2, 50, 0.5, 0.1).Loss(rows, labels);
        using var proxyAnchor = new ProxyAnchorObjective(2, 2, 32, 0.1);
        var pa = proxyAnchor.Loss(rows, labels);
        (ms + pa).backward();
        Assert.IsTrue(float.IsFinite(ms.item<float>()) && float.IsFinite(pa.item<float>()));
        Assert.IsTrue(rows.grad!.isfinite().all().item<bool>());
    }
}
