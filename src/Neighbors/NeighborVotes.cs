namespace MlNetTriplet.Neighbors;

/// <summary>The class a query's nearest neighbours vote for: the k-NN accuracy of the embedding metrics and the
/// nearest-neighbour classifier count the same votes and break ties the same way.</summary>
internal static class NeighborVotes
{
    /// <summary>Each class's share of the vote in <paramref name="scores"/> (summing to 1), and the winning class.
    /// Majority: one vote per neighbour. Weighted (scikit-learn's <c>weights="distance"</c>): a neighbour's vote is
    /// 1 / its distance, and when some neighbours are at distance 0 only they vote, equally; the votes are taken as
    /// nearest distance / distance (the same shares, never an overflow near 0). A tie goes to the tied
    /// class whose first vote comes earliest, i.e. whose nearest neighbour is closest: independent of how classes are
    /// numbered.</summary>
    /// <param name="classes">The neighbours' classes, nearest first.</param>
    /// <param name="distances">Their true distances, ascending; read when weighted.</param>
    /// <param name="weighted">Distance-weighted instead of majority.</param>
    /// <param name="scores">One slot per class, overwritten.</param>
    public static int Vote(ReadOnlySpan<int> classes, ReadOnlySpan<float> distances, bool weighted, Span<float> scores)
    {
        scores.Clear();
        float nearest = weighted ? distances[0] : 0f;
        double total = 0;
        for (int t = 0; t < classes.Length; t++)
        {
            float vote = !weighted ? 1f : nearest == 0f ? (distances[t] == 0f ? 1f : 0f) : nearest / distances[t];
            scores[classes[t]] += vote;
            total += vote;
        }
        float most = 0f;
        foreach (int c in classes)
            most = Math.Max(most, scores[c]);
        int winner = -1;
        foreach (int c in classes)
            if (scores[c] == most)
            {
                winner = c;
                break;
            }
        for (int c = 0; c < scores.Length; c++)
            scores[c] = (float)(scores[c] / total);
        return winner >= 0 ? winner : throw new InvalidOperationException("No neighbours voted.");
    }
}
