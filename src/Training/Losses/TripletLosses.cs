using MlNetTriplet.Training.Mining;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet
{
    /// <summary>The loss of one triplet as a function of its anchor-positive and anchor-negative distances.</summary>
    public enum TripletLossKind
    {
        /// <summary>FaceNet's margin loss <c>max(0, margin + d(a,p) - d(a,n))</c> (also TF-Addons' semi-hard loss once
        /// <see cref="TripletMining.SemiHard"/> picks the negatives).</summary>
        Margin,
        /// <summary>Hoffer and Ailon's softmax ratio (the Keras triplet tutorial's): with
        /// <c>(p_ap, p_an) = softmax(d(a,p), d(a,n))</c>, <c>|p_ap| + |1 - p_an|</c>.</summary>
        SoftmaxRatio,
    }

    /// <summary>How the per-triplet losses of a batch become one number.</summary>
    public enum TripletReduction
    {
        /// <summary>Mean over every triplet of the batch (TF-Addons: over every anchor-positive pair).</summary>
        Mean,
        /// <summary>Mean over the triplets whose loss is above zero (batch-all; pytorch-metric-learning's
        /// <c>AvgNonZeroReducer</c>): easy triplets do not dilute the gradient.</summary>
        MeanOfPositive,
    }
}

namespace MlNetTriplet.Training.Losses
{
    /// <summary>Per-triplet loss values from the distances of mined triplets, and their reduction to a scalar.</summary>
    internal static class TripletLosses
    {
        public static Tensor PerTriplet(TripletLossKind kind, Tensor anchorPositive, Tensor anchorNegative, double margin) =>
            kind switch
            {
                TripletLossKind.Margin => (margin + anchorPositive - anchorNegative).relu(),
                TripletLossKind.SoftmaxRatio => SoftmaxRatio(anchorPositive, anchorNegative),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown triplet loss."),
            };

        /// <summary>The Keras recipe: softmax over [d_ap, d_an] per triplet, then <c>|p_ap| + |1 - p_an|</c>.</summary>
        private static Tensor SoftmaxRatio(Tensor anchorPositive, Tensor anchorNegative)
        {
            var p = stack([anchorPositive, anchorNegative], -1).softmax(-1);
            return p.select(-1, 0).abs() + (1 - p.select(-1, 1)).abs();
        }

        /// <summary>Reduces the losses of the valid triplets (<see cref="MinedTriplets.Valid"/> = 1) to a scalar; a batch
        /// without any valid triplet gives 0 (still connected to the graph), as the TF-Addons loss clamps its divisor.</summary>
        public static Tensor Reduce(Tensor perTriplet, Tensor valid, TripletReduction reduction)
        {
            var masked = perTriplet * valid;
            var count = reduction == TripletReduction.MeanOfPositive
                ? masked.gt(0).to_type(masked.dtype).sum()
                : valid.sum();
            return masked.sum() / count.clamp_min(1);
        }
    }
}
