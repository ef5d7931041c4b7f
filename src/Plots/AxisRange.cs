namespace MlNetTriplet.Plots;

/// <summary>The range a scatter plot's axis shows: the full range of the values, unless a few far values would squash
/// all the others into a corner. Then the axis stops at half the 1st-99th percentile span beyond those percentiles
/// (on the side where the far values lie), and the values beyond it are drawn on the border.</summary>
/// <remarks>A map without stray points spans a little more than its 1st-99th percentile span (umap-learn's maps of the
/// triplet example's embeddings, seeds 0-14: 1.04-1.14 times), well inside the 2x this allows, so such a map keeps its
/// full range.</remarks>
internal readonly record struct AxisRange(float Min, float Max)
{
    private const double Margin = 0.5;

    /// <summary>The range of <paramref name="values"/> (finite, at least one).</summary>
    public static AxisRange Of(ReadOnlySpan<float> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        float min = sorted[0], max = sorted[^1];
        double low = Percentile(sorted, 0.01), high = Percentile(sorted, 0.99);
        double margin = (high - low) * Margin;
        if (!(margin > 0))
            return new AxisRange(min, max);
        return new AxisRange((float)Math.Max(min, low - margin), (float)Math.Min(max, high + margin));
    }

    /// <summary>Whether <paramref name="value"/> lies outside the range (and is drawn on the border).</summary>
    public bool Excludes(float value) => value < Min || value > Max;

    /// <summary>Linear interpolation between the closest ranks, as numpy's default percentile.</summary>
    private static double Percentile(float[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * ((double)sorted[above] - sorted[below]);
    }
}
