using MlNetTriplet.Training.Mining;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet
{
    /// <summary>The metric-learning loss: a loss of one triplet (<see cref="Margin"/>, <see cref="SoftmaxRatio"/>,
    /// on the triplets <see cref="TripletEmbeddingOptions.Mining"/> picks), or a loss over the batch's pairs or proxies
    /// with its own selection (<see cref="Contrastive"/>, <see cref="MultiSimilarity"/>, <see cref="ProxyAnchor"/>).</summary>
    public enum TripletLossKind
    {
        /// <summary>FaceNet's margin loss <c>max(0, margin + d(a,p) - d(a,n))</c> (also TF-Addons' semi-hard loss once
        /// <see cref="TripletMining.SemiHard"/> picks the negatives).</summary>
        Margin,
        /// <summary>Hoffer and Ailon's softmax ratio (the Keras triplet tutorial's): with
        /// <c>(p_ap, p_an) = softmax(d(a,p), d(a,n))</c>, <c>|p_ap| + |1 - p_an|</c>.</summary>
        SoftmaxRatio,
        /// <summary>The contrastive loss (Hadsell et al. 2006) over every pair of the batch, as pytorch-metric-learning's
        /// <c>ContrastiveLoss</c>: positive pairs pulled within <see cref="ContrastiveLossOptions.PositiveMargin"/>,
        /// negative pairs pushed beyond <see cref="ContrastiveLossOptions.NegativeMargin"/>; each kind averaged over
        /// its pairs with a non-zero loss (<see cref="TripletReduction.MeanOfPositive"/>, the default here).</summary>
        Contrastive,
        /// <summary>The multi-similarity loss with its pair mining (Wang et al. 2019) on cosine similarities; see
        /// <see cref="MultiSimilarityLossOptions"/>.</summary>
        MultiSimilarity,
        /// <summary>The Proxy Anchor loss (Kim et al. 2020): a learnt proxy per class on cosine similarities, trained
        /// with the network and dropped after training; see <see cref="ProxyAnchorLossOptions"/>.</summary>
        ProxyAnchor,
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
