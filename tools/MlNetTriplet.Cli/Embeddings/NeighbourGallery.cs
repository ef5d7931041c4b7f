namespace MlNetTriplet.Cli.Embeddings;

/// <summary>Retrieval examples for the report: one query per class and its nearest other rows.</summary>
internal static class NeighbourGallery
{
    /// <summary>For the first row of each of the first <paramref name="queries"/> classes (in key order), the indices of
    /// its <paramref name="neighbours"/> nearest other rows by Euclidean distance, nearest first.</summary>
    public static List<(int Query, int[] Neighbours)> Find(IReadOnlyList<float[]> vectors, IReadOnlyList<uint> keys,
        int queries, int neighbours)
    {
        var firstOfClass = keys.Select((k, i) => (k, i)).GroupBy(p => p.k).OrderBy(g => g.Key)
            .Take(queries).Select(g => g.First().i);
        return firstOfClass.Select(q => (q, Enumerable.Range(0, vectors.Count).Where(i => i != q)
            .OrderBy(i => SquaredDistance(vectors[q], vectors[i])).ThenBy(i => i).Take(neighbours).ToArray())).ToList();
    }

    private static float SquaredDistance(float[] a, float[] b)
    {
        float sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            float d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }
}
