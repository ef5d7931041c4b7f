namespace MlNetTriplet.Evaluation;

/// <summary>One threshold of a curve: the rows scored at or above it, counted as true and false positives.</summary>
internal readonly record struct ThresholdCounts(long TruePositives, long FalsePositives);

/// <summary>What every curve over a binary classifier's scores walks: the inputs checked, then the cumulative counts at
/// each distinct score from the highest down.</summary>
internal static class BinaryScores
{
    /// <summary>The counts at each distinct score of <paramref name="scores"/>, from the highest down. All rows of one
    /// score move together: a threshold cannot split a tie.</summary>
    /// <exception cref="ArgumentException">The lengths differ or a score is NaN.</exception>
    public static IEnumerable<ThresholdCounts> Thresholds(string name, IReadOnlyList<bool> labels, IReadOnlyList<float> scores)
    {
        var order = DescendingOrder(name, labels, scores);
        return Walk();

        IEnumerable<ThresholdCounts> Walk()
        {
            long tp = 0, fp = 0;
            for (int i = 0; i < order.Length;)
            {
                float threshold = scores[order[i]];
                for (; i < order.Length && scores[order[i]] == threshold; i++)
                {
                    if (labels[order[i]])
                        tp++;
                    else
                        fp++;
                }
                yield return new ThresholdCounts(tp, fp);
            }
        }
    }

    /// <summary>Row indices by descending score.</summary>
    /// <exception cref="ArgumentException">The lengths differ or a score is NaN.</exception>
    private static int[] DescendingOrder(string name, IReadOnlyList<bool> labels, IReadOnlyList<float> scores)
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
