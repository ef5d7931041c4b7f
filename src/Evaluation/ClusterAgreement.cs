namespace MlNetTriplet.Evaluation;

/// <summary>Agreement between two labellings of the same items.</summary>
internal static class ClusterAgreement
{
    /// <summary>Normalised mutual information with the arithmetic-mean normaliser, as scikit-learn's
    /// <c>normalized_mutual_info_score</c> default: I(U; V) / ((H(U) + H(V)) / 2), 1 when both labellings have a
    /// single group (they agree trivially), 0 when they share no information.</summary>
    /// <param name="a">Group of each item (non-negative).</param>
    /// <param name="b">Another group of each item (non-negative), same length.</param>
    public static double NormalizedMutualInformation(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        if (a.Length != b.Length || a.IsEmpty)
            throw new ArgumentException($"Expected two non-empty labellings of equal length; got {a.Length} and {b.Length}.");
        var joint = new Dictionary<(int, int), int>();
        var countA = new Dictionary<int, int>();
        var countB = new Dictionary<int, int>();
        for (int i = 0; i < a.Length; i++)
        {
            joint[(a[i], b[i])] = joint.GetValueOrDefault((a[i], b[i])) + 1;
            countA[a[i]] = countA.GetValueOrDefault(a[i]) + 1;
            countB[b[i]] = countB.GetValueOrDefault(b[i]) + 1;
        }
        if (countA.Count == 1 && countB.Count == 1)
            return 1.0;
        double n = a.Length;
        // Sum in a fixed order so the result does not depend on dictionary layout.
        double mutual = 0;
        foreach (var ((u, v), count) in joint.OrderBy(p => p.Key))
            mutual += count / n * Math.Log(n * count / ((double)countA[u] * countB[v]));
        // Round-off can leave a tiny negative value for independent labellings; scikit-learn clips it too.
        mutual = Math.Max(mutual, 0);
        double mean = (Entropy(countA.Values, n) + Entropy(countB.Values, n)) / 2;
        return mutual == 0 ? 0 : mutual / mean;
    }

    private static double Entropy(IEnumerable<int> counts, double n) =>
        -counts.Order().Sum(c => c / n * Math.Log(c / n));
}
