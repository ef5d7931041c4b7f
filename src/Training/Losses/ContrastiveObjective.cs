using MlNetTriplet.Neighbors;
using static TorchSharp.torch;

namespace MlNetTriplet.Training.Losses;

/// <summary>The contrastive loss (Hadsell, Chopra and LeCun 2006) as pytorch-metric-learning's <c>ContrastiveLoss</c>
/// computes it: over every ordered pair (i, j), i ≠ j, of the batch, a positive pair (same class) costs
/// <c>max(0, d - positiveMargin)</c> and a negative pair <c>max(0, negativeMargin - d)</c> (distances, not squared);
/// the positive and the negative pairs are each reduced (a mean over all of them, or over those above zero as PML's
/// <c>AvgNonZeroReducer</c>) and the two means summed.</summary>
internal sealed class ContrastiveObjective(DistanceMetric distance, double positiveMargin, double negativeMargin,
    TripletReduction reduction) : ITrainingObjective
{
    public bool ReportsAccuracy => false;

    public Tensor Loss(Tensor output, Tensor labels)
    {
        var d = TensorDistances.Pairwise(output, distance);
        var (positive, negative) = PairMasks.Of(labels);
        var positiveLoss = (d - positiveMargin).relu();
        var negativeLoss = (negativeMargin - d).relu();
        return TripletLosses.Reduce(positiveLoss, positive.to_type(d.dtype), reduction)
               + TripletLosses.Reduce(negativeLoss, negative.to_type(d.dtype), reduction);
    }

    public long CountCorrect(Tensor output, Tensor labels) =>
        throw new NotSupportedException("A contrastive objective has no accuracy.");
}

/// <summary>Which pairs of a batch are positive (same class, not the row itself) and negative (another class).</summary>
internal static class PairMasks
{
    public static (Tensor Positive, Tensor Negative) Of(Tensor labels)
    {
        var same = labels.unsqueeze(1).eq(labels.unsqueeze(0));
        var self = eye(labels.shape[0], dtype: ScalarType.Bool, device: labels.device);
        return (same.logical_and(self.logical_not()), same.logical_not());
    }
}
