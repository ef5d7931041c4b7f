using MlNetTriplet.Checks;

namespace MlNetTriplet;

/// <summary>Parameters of <see cref="TripletLossKind.Contrastive"/> (Hadsell, Chopra and LeCun 2006), defaults as
/// pytorch-metric-learning's <c>ContrastiveLoss</c>: a positive pair costs <c>max(0, d - PositiveMargin)</c>, a negative
/// pair <c>max(0, NegativeMargin - d)</c>.</summary>
public sealed record ContrastiveLossOptions
{
    /// <summary>Distance under which a positive pair costs nothing. Default 0.</summary>
    public double PositiveMargin { get; init; }

    /// <summary>Distance beyond which a negative pair costs nothing. Default null: 1 (pytorch-metric-learning's, on
    /// Euclidean distances of unit-length embeddings, which lie in [0, 2]), 0.5 on cosine distances (1 − cos, also in
    /// [0, 2]: negatives are pushed until cos &lt; 0.5).</summary>
    public double? NegativeMargin { get; init; }

    internal double EffectiveNegativeMargin(DistanceMetric distance) =>
        NegativeMargin ?? (distance == DistanceMetric.Cosine ? 0.5 : 1.0);

    internal void Validate(OptionChecks check)
    {
        check.Accepts(PositiveMargin >= 0 && double.IsFinite(PositiveMargin), nameof(PositiveMargin), PositiveMargin,
            "zero or a positive number");
        check.Accepts(NegativeMargin is null || (NegativeMargin > 0 && double.IsFinite(NegativeMargin.Value)),
            nameof(NegativeMargin), NegativeMargin, "null (1, or 0.5 on cosine distances) or a positive number");
        check.Compatible(NegativeMargin is null || NegativeMargin > PositiveMargin, nameof(NegativeMargin), NegativeMargin,
            nameof(PositiveMargin), PositiveMargin, "NegativeMargin > PositiveMargin");
    }
}

/// <summary>Parameters of <see cref="TripletLossKind.MultiSimilarity"/> (Wang et al. 2019), defaults as
/// pytorch-metric-learning documents the loss (α 2, β 50, base λ 0.5) and its miner (the paper's ε 0.1).</summary>
public sealed record MultiSimilarityLossOptions
{
    /// <summary>α, the weight of positive pairs' exponent. Default 2.</summary>
    public double Alpha { get; init; } = 2;

    /// <summary>β, the weight of negative pairs' exponent. Default 50.</summary>
    public double Beta { get; init; } = 50;

    /// <summary>λ, the similarity both exponents are measured from (pytorch-metric-learning's <c>base</c>). Default 0.5.</summary>
    public double Base { get; init; } = 0.5;

    /// <summary>ε of the pair mining: a negative pair is kept when its similarity + ε exceeds the anchor's least
    /// similar positive, a positive pair when its similarity − ε is below the anchor's most similar negative. Default 0.1.</summary>
    public double Epsilon { get; init; } = 0.1;

    internal void Validate(OptionChecks check)
    {
        check.Accepts(Alpha > 0 && double.IsFinite(Alpha), nameof(Alpha), Alpha, "a positive number");
        check.Accepts(Beta > 0 && double.IsFinite(Beta), nameof(Beta), Beta, "a positive number");
        check.Accepts(Base is >= -1 and <= 1, nameof(Base), Base, "a cosine similarity in [-1, 1]");
        check.Accepts(Epsilon >= 0 && double.IsFinite(Epsilon), nameof(Epsilon), Epsilon, "zero or a positive number");
    }
}

/// <summary>Parameters of <see cref="TripletLossKind.ProxyAnchor"/> (Kim et al. 2020), defaults as the paper's: α 32,
/// δ 0.1, proxies learnt 100 times faster than the network.</summary>
public sealed record ProxyAnchorLossOptions
{
    /// <summary>α, the scale of the similarities. Default 32.</summary>
    public double Alpha { get; init; } = 32;

    /// <summary>δ, the margin. Default 0.1.</summary>
    public double Delta { get; init; } = 0.1;

    /// <summary>The proxies' learning rate as a multiple of the learning rate. Default 100 (the paper's).</summary>
    public double LearningRateFactor { get; init; } = 100;

    internal void Validate(OptionChecks check)
    {
        check.Accepts(Alpha > 0 && double.IsFinite(Alpha), nameof(Alpha), Alpha, "a positive number");
        check.Accepts(Delta is >= 0 and < 1, nameof(Delta), Delta, "a number in [0, 1)");
        check.Accepts(LearningRateFactor > 0 && double.IsFinite(LearningRateFactor), nameof(LearningRateFactor),
            LearningRateFactor, "a positive number");
    }
}
