using static TorchSharp.torch;

namespace MlNetTriplet.Training.Losses;

/// <summary>The multi-similarity loss with its pair mining (Wang et al. 2019, "Multi-Similarity Loss with General Pair
/// Weighting"), on cosine similarities S of the batch's rows. Per anchor i, a negative pair is kept when
/// <c>S_in + ε &gt; min over positives S_ip</c> and a positive pair when <c>S_ip - ε &lt; max over negatives S_in</c>;
/// then <c>L_i = 1/α log(1 + Σ_kept p exp(-α (S_ip - λ))) + 1/β log(1 + Σ_kept n exp(β (S_in - λ)))</c>. As the
/// authors' code does, an anchor left without a kept positive or a kept negative adds nothing, and the sum is divided by
/// the batch size.</summary>
internal sealed class MultiSimilarityObjective(double alpha, double beta, double lambda, double epsilon) : ITrainingObjective
{
    public bool ReportsAccuracy => false;

    public Tensor Loss(Tensor output, Tensor labels)
    {
        var unit = nn.functional.normalize(output, p: 2, dim: 1);
        var s = unit.matmul(unit.t());
        var (positive, negative) = PairMasks.Of(labels);
        var hardestPositive = where(positive, s, full_like(s, double.PositiveInfinity)).amin([1], keepdim: true);
        var hardestNegative = where(negative, s, full_like(s, double.NegativeInfinity)).amax([1], keepdim: true);
        var keptNegative = negative.logical_and((s + epsilon).gt(hardestPositive));
        var keptPositive = positive.logical_and((s - epsilon).lt(hardestNegative));
        var positiveTerm = MaskedLogSumExp.LogOnePlus(-alpha * (s - lambda), keptPositive, 1) / alpha;
        var negativeTerm = MaskedLogSumExp.LogOnePlus(beta * (s - lambda), keptNegative, 1) / beta;
        var counted = keptPositive.any(1).logical_and(keptNegative.any(1)).to_type(s.dtype);
        return ((positiveTerm + negativeTerm) * counted).sum() / s.shape[0];
    }

    public long CountCorrect(Tensor output, Tensor labels) =>
        throw new NotSupportedException("A multi-similarity objective has no accuracy.");
}
