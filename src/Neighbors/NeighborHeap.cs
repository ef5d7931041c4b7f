namespace MlNetTriplet.Neighbors;

/// <summary>Bounded max-heaps of (distance, index) stored in flat spans: the k best candidates seen so far, worst at
/// the root. Ordering is total — by distance, then index — so the set a heap ends with depends only on what was
/// pushed, never on the order of the pushes. That is what lets NN-descent push from several threads (under a lock)
/// and still be deterministic.</summary>
internal static class NeighborHeap
{
    public const int Empty = int.MaxValue;

    public static void Clear(Span<float> dist, Span<int> index)
    {
        dist.Fill(float.PositiveInfinity);
        index.Fill(Empty);
    }

    public static bool Less(float da, int ia, float db, int ib) => da < db || (da == db && ia < ib);

    /// <summary>Pushes (d, j) if it beats the root and j is not already in the heap; flags (may be empty) gets 2
    /// ("inserted this round") for the new entry.</summary>
    public static bool Push(Span<float> dist, Span<int> index, Span<byte> flags, float d, int j, bool checkDuplicates)
    {
        if (!Less(d, j, dist[0], index[0])) return false;
        if (checkDuplicates)
            for (int t = 0; t < index.Length; t++)
                if (index[t] == j) return false;
        dist[0] = d;
        index[0] = j;
        if (!flags.IsEmpty) flags[0] = 2;
        SiftDown(dist, index, flags, dist.Length);
        return true;
    }

    /// <summary>Sorts a full or partial heap ascending in place (empties last).</summary>
    public static void Sort(Span<float> dist, Span<int> index)
    {
        for (int end = dist.Length - 1; end > 0; end--)
        {
            (dist[0], dist[end]) = (dist[end], dist[0]);
            (index[0], index[end]) = (index[end], index[0]);
            SiftDown(dist, index, default, end);
        }
    }

    /// <summary>Moves the root down to its place among the first <paramref name="n"/> entries; flags (may be empty)
    /// move with their entries.</summary>
    private static void SiftDown(Span<float> dist, Span<int> index, Span<byte> flags, int n)
    {
        int i = 0;
        float d = dist[0];
        int j = index[0];
        bool hasFlags = !flags.IsEmpty;
        byte f = hasFlags ? flags[0] : (byte)0;
        while (true)
        {
            int c = 2 * i + 1;
            if (c >= n) break;
            if (c + 1 < n && Less(dist[c], index[c], dist[c + 1], index[c + 1])) c++;
            if (!Less(d, j, dist[c], index[c])) break;
            dist[i] = dist[c];
            index[i] = index[c];
            if (hasFlags) flags[i] = flags[c];
            i = c;
        }
        dist[i] = d;
        index[i] = j;
        if (hasFlags) flags[i] = f;
    }
}
