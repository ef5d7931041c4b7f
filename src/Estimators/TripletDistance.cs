using MlNetTriplet.Neighbors;

namespace MlNetTriplet;

/// <summary>How the distance between two embeddings is measured in the triplet losses and miners.</summary>
public enum TripletDistance
{
    /// <summary>Manhattan distance, <c>sum |a - b|</c> (the Keras triplet tutorial's).</summary>
    L1,
    /// <summary>Euclidean distance, <c>sqrt(sum (a - b)^2)</c> (TF-Addons' <c>pairwise_distance</c>, FaceNet).</summary>
    Euclidean,
    /// <summary>Squared Euclidean distance, <c>sum (a - b)^2</c>.</summary>
    SquaredEuclidean,
    /// <summary>Cosine distance, <c>1 - cos(a, b)</c>, in [0, 2].</summary>
    Cosine,
}

/// <summary>The triplet distances on the engine's vocabulary.</summary>
internal static class TripletDistances
{
    public static Metric ToMetric(this TripletDistance distance) => distance switch
    {
        TripletDistance.L1 => Metric.Manhattan,
        TripletDistance.Euclidean => Metric.Euclidean,
        TripletDistance.SquaredEuclidean => Metric.SquaredEuclidean,
        TripletDistance.Cosine => Metric.Cosine,
        _ => throw new ArgumentOutOfRangeException(nameof(distance), distance, "Unknown TripletDistance."),
    };
}
