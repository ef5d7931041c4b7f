namespace MlNetTriplet.Batches;

/// <summary>Row indices grouped by 0-based class, from a label array.</summary>
internal static class ClassIndex
{
    /// <summary>The rows of every class present in <paramref name="labels"/>, by ascending class.</summary>
    public static SortedDictionary<long, List<int>> Build(long[] labels)
    {
        var byClass = new SortedDictionary<long, List<int>>();
        for (int i = 0; i < labels.Length; i++)
        {
            if (!byClass.TryGetValue(labels[i], out var rows))
                byClass[labels[i]] = rows = [];
            rows.Add(i);
        }
        return byClass;
    }
}
