using System.Numerics.Tensors;

namespace MlNetTriplet.Evaluation;

/// <summary>Receives one query's nearest gallery rows, ascending by (distance, index), as
/// <see cref="NeighborSearch"/> keys.</summary>
internal delegate void NeighborVisitor(int query, ReadOnlySpan<ulong> nearest);

/// <summary>Exact nearest-neighbour search for evaluation: every query against every gallery row, in blocks of
/// queries so memory stays at a few megabytes per thread (never a full distance matrix). Squared euclidean distances
/// come from ‖q‖² + ‖g‖² − 2 q·g (one vectorised dot product per pair), clamped at 0 against round-off. Results are
/// identical for any thread count: each query's distances and ordering depend only on the data.</summary>
internal static class NeighborSearch
{
    /// <summary>Distances kept per thread at most (floats): the query block shrinks as the gallery grows.</summary>
    private const int BufferFloats = 1 << 21;

    private const int MaxBlock = 64;

    /// <summary>Row index of a key.</summary>
    public static int Index(ulong key) => (int)(uint)key;

    /// <summary>A distance and a row index packed so that integer order is (distance, index) order: the bits of a
    /// non-negative float grow with its value.</summary>
    private static ulong Key(float distance, int index) => (ulong)BitConverter.SingleToUInt32Bits(distance) << 32 | (uint)index;

    /// <summary>Calls <paramref name="visit"/> for every query (concurrently, in no particular order) with its
    /// <paramref name="needed"/>(query) nearest gallery rows.</summary>
    /// <param name="queries">Query rows.</param>
    /// <param name="gallery">Rows searched; when <paramref name="sameSet"/>, the queries themselves.</param>
    /// <param name="sameSet">Each query skips its own row (leave-one-out).</param>
    /// <param name="needed">Neighbours wanted per query: 1 .. gallery rows (minus one when <paramref name="sameSet"/>).</param>
    /// <param name="visit">Receives the neighbours; the span is reused after it returns.</param>
    /// <param name="po">Parallelism.</param>
    public static void ForEachQuery(PackedRows queries, PackedRows gallery, bool sameSet, Func<int, int> needed,
        NeighborVisitor visit, ParallelOptions po)
    {
        int galleryRows = gallery.Rows;
        int block = Math.Clamp(BufferFloats / galleryRows, 1, MaxBlock);
        int blocks = (queries.Rows + block - 1) / block;
        Parallel.For(0, blocks, po,
            () => (Distances: new float[block * galleryRows], Keys: new ulong[galleryRows]),
            (b, _, buffers) =>
            {
                int start = b * block, count = Math.Min(block, queries.Rows - start);
                var distances = buffers.Distances;
                // Gallery rows outside, queries inside: each gallery row is read from memory once per block.
                for (int j = 0; j < galleryRows; j++)
                {
                    var g = gallery.Row(j);
                    for (int q = 0; q < count; q++)
                        distances[q * galleryRows + j] = TensorPrimitives.Dot(queries.Row(start + q), g);
                }
                for (int q = 0; q < count; q++)
                {
                    int query = start + q;
                    var d = distances.AsSpan(q * galleryRows, galleryRows);
                    TensorPrimitives.MultiplyAdd(d, -2f, gallery.SquaredNorms, d);
                    TensorPrimitives.Add(d, queries.SquaredNorms[query], d);
                    // Round-off can take the distance between near-equal rows below zero; also turns -0 into +0.
                    TensorPrimitives.Max(d, 0f, d);
                    var keys = buffers.Keys.AsSpan();
                    int n = 0;
                    for (int j = 0; j < galleryRows; j++)
                        if (!sameSet || j != query)
                            keys[n++] = Key(d[j], j);
                    keys = keys[..n];
                    int m = needed(query);
                    SelectSmallest(keys, m);
                    keys[..m].Sort();
                    visit(query, keys[..m]);
                }
                return buffers;
            },
            _ => { });
    }

    /// <summary>Moves the <paramref name="m"/> smallest keys to the front (in any order): quickselect with a
    /// median-of-three pivot; keys are distinct (they hold the row index), so every partition step makes progress.</summary>
    internal static void SelectSmallest(Span<ulong> keys, int m)
    {
        int lo = 0, hi = keys.Length - 1, target = m - 1;
        while (lo < hi)
        {
            ulong a = keys[lo], b = keys[lo + (hi - lo) / 2], c = keys[hi];
            ulong pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
            int i = lo, j = hi;
            while (i <= j)
            {
                while (keys[i] < pivot) i++;
                while (keys[j] > pivot) j--;
                if (i <= j)
                {
                    (keys[i], keys[j]) = (keys[j], keys[i]);
                    i++;
                    j--;
                }
            }
            if (target <= j) hi = j;
            else if (target >= i) lo = i;
            else return;
        }
    }
}
