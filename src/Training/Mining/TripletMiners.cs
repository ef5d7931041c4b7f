using MlNetTriplet.Training.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet
{
    /// <summary>Which triplets of a batch the loss is computed on.</summary>
    public enum TripletMining
    {
        /// <summary>The triplets the sampler built (<see cref="TripletSampling.RandomTriplets"/>): each batch is anchors,
        /// then positives, then negatives.</summary>
        None,
        /// <summary>TF-Addons' <c>TripletSemiHardLoss</c> mining: for every anchor-positive pair, the closest negative
        /// farther than the positive; when there is none, the anchor's farthest negative.</summary>
        SemiHard,
        /// <summary>Batch-hard (Hermans et al.): per anchor, its farthest positive and closest negative.</summary>
        BatchHard,
        /// <summary>Batch-all: every (anchor, positive, negative) of the batch.</summary>
        BatchAll,
    }
}

namespace MlNetTriplet.Training.Mining
{
    /// <summary>Anchor-positive and anchor-negative distances of the triplets mined from a batch, and which entries are
    /// real triplets (1) or padding (0). Fixed shapes (no data-dependent selection) keep a step free of host syncs.</summary>
    internal readonly record struct MinedTriplets(Tensor AnchorPositive, Tensor AnchorNegative, Tensor Valid);

    /// <summary>Selects triplets from a batch of embeddings and labels.</summary>
    internal static class TripletMiners
    {
        public static MinedTriplets Mine(TripletMining mining, Tensor embeddings, Tensor labels, DistanceMetric distance)
        {
            if (mining == TripletMining.None)
                return GivenTriplets(embeddings, distance);
            var d = TensorDistances.Pairwise(embeddings, distance);
            var same = labels.unsqueeze(1).eq(labels.unsqueeze(0));
            return mining switch
            {
                TripletMining.SemiHard => SemiHard(d, same),
                TripletMining.BatchHard => BatchHard(d, same),
                TripletMining.BatchAll => BatchAll(d, same),
                _ => throw new ArgumentOutOfRangeException(nameof(mining), mining, "Unknown mining."),
            };
        }

        /// <summary>Rows [0, n) are anchors, [n, 2n) their positives, [2n, 3n) their negatives.</summary>
        private static MinedTriplets GivenTriplets(Tensor embeddings, DistanceMetric distance)
        {
            long n = embeddings.shape[0] / 3;
            var anchor = embeddings.narrow(0, 0, n);
            var ap = TensorDistances.Paired(anchor, embeddings.narrow(0, n, n), distance);
            var an = TensorDistances.Paired(anchor, embeddings.narrow(0, 2 * n, n), distance);
            return new MinedTriplets(ap, an, ones_like(ap));
        }

        /// <summary>TF-Addons <c>triplet_semihard_loss</c>, op for op: entries [a, p] for every ordered pair; valid where
        /// p is a positive of a (same label, p != a). The semi-hard negative of (a, p) is the masked minimum of d(a, n)
        /// over negatives n with d(a, n) > d(a, p); without one, the masked maximum of d(a, n) over all negatives.
        /// The masked minimum/maximum use TF's shift trick (subtract the row max/min, multiply by the mask), which also
        /// fixes the gradient's path.</summary>
        private static MinedTriplets SemiHard(Tensor d, Tensor same)
        {
            var negative = same.logical_not();
            var dType = d.dtype;
            // mask[a, p, n]: n is a negative of a and farther from a than p is.
            var mask = negative.unsqueeze(1).logical_and(d.unsqueeze(1).gt(d.unsqueeze(2)));
            var rowMax = d.amax([1], keepdim: true);                                   // [a, 1]
            var outside = ((d.unsqueeze(1) - rowMax.unsqueeze(2)) * mask.to_type(dType)).amin([2]) + rowMax;
            var rowMin = d.amin([1], keepdim: true);
            var inside = ((d - rowMin) * negative.to_type(dType)).amax([1], keepdim: true) + rowMin;
            var semiHard = where(mask.any(2), outside, inside.expand_as(d));
            var positive = same.to_type(dType) - eye(d.shape[0], dtype: dType, device: d.device);
            return new MinedTriplets(d, semiHard, positive);
        }

        /// <summary>Per anchor: its farthest positive and closest negative; valid when it has both.</summary>
        private static MinedTriplets BatchHard(Tensor d, Tensor same)
        {
            var positive = same.logical_and(eye(d.shape[0], dtype: ScalarType.Bool, device: d.device).logical_not());
            var negative = same.logical_not();
            // Distances are >= 0, so a 0 put in place of a non-positive never wins the maximum over positives, and the
            // row's maximum put in place of a non-negative never wins the minimum over negatives.
            var hardestPositive = where(positive, d, zeros_like(d)).amax([1]);
            var hardestNegative = where(negative, d, d.amax([1], keepdim: true).expand_as(d)).amin([1]);
            var valid = positive.any(1).logical_and(negative.any(1)).to_type(d.dtype);
            return new MinedTriplets(hardestPositive, hardestNegative, valid);
        }

        /// <summary>Every (a, p, n) as entry [a, p, n]; valid where p is a positive and n a negative of a.</summary>
        private static MinedTriplets BatchAll(Tensor d, Tensor same)
        {
            var positive = same.logical_and(eye(d.shape[0], dtype: ScalarType.Bool, device: d.device).logical_not());
            var valid = positive.unsqueeze(2).logical_and(same.logical_not().unsqueeze(1)).to_type(d.dtype);
            return new MinedTriplets(d.unsqueeze(2).expand_as(valid), d.unsqueeze(1).expand_as(valid), valid);
        }
    }
}
