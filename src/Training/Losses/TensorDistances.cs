using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet.Training.Losses;

/// <summary>The triplet losses' distances (<see cref="TripletEmbeddingOptions.Distance"/>) on tensors: between paired
/// rows and between all rows of a batch.</summary>
internal static class TensorDistances
{
    /// <summary>Distance of row i of <paramref name="a"/> to row i of <paramref name="b"/> ([n, d] each) -> [n].</summary>
    public static Tensor Paired(Tensor a, Tensor b, DistanceMetric distance) => distance switch
    {
        DistanceMetric.Manhattan => (a - b).abs().sum(1),
        DistanceMetric.Euclidean => SafeSqrt((a - b).square().sum(1)),
        DistanceMetric.SquaredEuclidean => (a - b).square().sum(1),
        DistanceMetric.Cosine => 1 - nn.functional.cosine_similarity(a, b, dim: 1),
        _ => throw new ArgumentOutOfRangeException(nameof(distance), distance, "Not a triplet distance."),
    };

    /// <summary>All distances between the rows of <paramref name="e"/> ([n, d]) -> [n, n], with an exact-zero
    /// diagonal. Euclidean follows TF-Addons' <c>pairwise_distance</c> to the letter (squared distances from the Gram
    /// matrix clamped at 0, square root with zero entries masked so the gradient stays finite).</summary>
    public static Tensor Pairwise(Tensor e, DistanceMetric distance)
    {
        var offDiagonal = 1 - eye(e.shape[0], dtype: e.dtype, device: e.device);
        var d = distance switch
        {
            DistanceMetric.Manhattan => cdist(e, e, p: 1),
            DistanceMetric.Euclidean => SafeSqrt(SquaredGram(e)),
            DistanceMetric.SquaredEuclidean => SquaredGram(e),
            DistanceMetric.Cosine => CosineMatrix(e),
            _ => throw new ArgumentOutOfRangeException(nameof(distance), distance, "Not a triplet distance."),
        };
        return d * offDiagonal;
    }

    private static Tensor SquaredGram(Tensor e)
    {
        var squares = e.square().sum(1);
        return (squares.unsqueeze(1) + squares.unsqueeze(0) - 2 * e.matmul(e.t())).clamp_min(0);
    }

    private static Tensor CosineMatrix(Tensor e)
    {
        var n = nn.functional.normalize(e, p: 2, dim: 1);
        return (1 - n.matmul(n.t())).clamp_min(0);
    }

    /// <summary>sqrt that is 0 (with gradient 0) where its argument is 0: sqrt's derivative there is infinite.</summary>
    private static Tensor SafeSqrt(Tensor squared)
    {
        var zero = squared.le(0);
        return (squared + zero.to_type(squared.dtype) * 1e-16).sqrt() * zero.logical_not().to_type(squared.dtype);
    }
}
