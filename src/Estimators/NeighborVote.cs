namespace MlNetTriplet;

/// <summary>How the nearest neighbours of a row vote for its class in the nearest-neighbour classifier.</summary>
public enum NeighborVote
{
    /// <summary>One vote per neighbour: a class's score is its share of the k neighbours.</summary>
    Majority,

    /// <summary>A neighbour's vote is 1 / its distance (scikit-learn's <c>weights="distance"</c>); when some neighbours
    /// are at distance 0, only they vote.</summary>
    DistanceWeighted,
}
