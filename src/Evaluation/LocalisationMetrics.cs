using MlNetTriplet.Explain;

namespace MlNetTriplet.Evaluation;

/// <summary>Whether a class activation map points at the right place, one map at a time: the pointing game, the box
/// overlap and the rank correlation of two maps (the randomisation sanity check of Adebayo et al. 2018).</summary>
internal static class LocalisationMetrics
{
    /// <summary>The pointing game (Zhang et al. 2016, without tolerance): whether the map's maximum (the first one in
    /// row-major order on ties) lies inside <paramref name="box"/>. <paramref name="map"/> is row-major,
    /// <paramref name="width"/> columns wide.</summary>
    public static bool PointingHit(ReadOnlySpan<float> map, int width, ActivationBox box)
    {
        int best = 0;
        for (int i = 1; i < map.Length; i++)
            if (map[i] > map[best])
                best = i;
        return box.Contains(best % width, best / width);
    }

    /// <summary>Spearman's rank correlation of two maps of the same size (ties take their average rank); 0 when
    /// either map is constant.</summary>
    public static double RankCorrelation(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"The maps have {a.Length} and {b.Length} values; they must have the same size.", nameof(b));
        return Pearson(Ranks(a), Ranks(b));
    }

    /// <summary>Pearson's correlation; 0 when either side is constant.</summary>
    public static double Pearson(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double meanA = 0, meanB = 0;
        for (int i = 0; i < a.Length; i++)
        {
            meanA += a[i];
            meanB += b[i];
        }
        meanA /= a.Length;
        meanB /= b.Length;
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double da = a[i] - meanA, db = b[i] - meanB;
            ab += da * db;
            aa += da * da;
            bb += db * db;
        }
        return aa > 0 && bb > 0 ? ab / Math.Sqrt(aa * bb) : 0;
    }

    /// <summary>Ranks from 1, ties sharing their average rank.</summary>
    private static double[] Ranks(ReadOnlySpan<float> values)
    {
        var copy = values.ToArray();
        var order = Enumerable.Range(0, values.Length).ToArray();
        Array.Sort(copy, order);
        var ranks = new double[values.Length];
        for (int start = 0; start < order.Length;)
        {
            int end = start + 1;
            while (end < order.Length && copy[end] == copy[start])
                end++;
            double rank = (start + end + 1) / 2.0;
            for (int i = start; i < end; i++)
                ranks[order[i]] = rank;
            start = end;
        }
        return ranks;
    }
}
