namespace MlNetTriplet.Evaluation;

/// <summary>What every curve over a binary classifier's scores starts with: the inputs checked, the rows ordered from
/// the highest score down.</summary>
internal static class BinaryScores
{
    /// <summary>Row indices by descending score.</summary>
    /// <exception cref="ArgumentException">The lengths differ or a score is NaN.</exception>
    public static int[] DescendingOrder(string name, IReadOnlyList<bool> labels, IReadOnlyList<float> scores)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(scores);
        if (labels.Count != scores.Count)
            throw new ArgumentException($"Got {labels.Count} labels and {scores.Count} scores: give one score per label.", nameof(scores));
        if (scores.Any(float.IsNaN))
            throw new ArgumentException("A score is NaN.", nameof(scores));
        var order = Enumerable.Range(0, scores.Count).ToArray();
        Array.Sort(order, (a, b) => scores[b].CompareTo(scores[a]));
        return order;
    }
}
