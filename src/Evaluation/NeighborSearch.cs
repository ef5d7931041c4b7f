using System.Numerics;
using System.Numerics.Tensors;

namespace MlNetTriplet.Evaluation;

/// <summary>Receives one query's nearest gallery rows, ascending by (distance, index), as
/// <see cref="NeighborSearch"/> keys.</summary>
internal delegate void NeighborVisitor(int query, ReadOnlySpan<ulong> nearest);

/// <summary>Exact nearest-neighbour search for evaluation: every query against every gallery row, in blocks of
/// queries so memory stays at a few megabytes per thread (never a full distance matrix). Squared euclidean distances
/// come from ‖q‖² + ‖g‖² − 2 q·g (dot products from <see cref="DotKernel"/>), clamped at 0 against
/// round-off. Results are identical for any thread count: each query's distances and ordering depend only on the data.</summary>
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
        int galleryRows = gallery.Rows, ld = gallery.PaddedRows;
        int tile = DotKernel.TileRows;
        int block = Math.Clamp(BufferFloats / ld / tile * tile, tile, MaxBlock);
        int blocks = (queries.PaddedRows + block - 1) / block;
        // Random positions: a regular stride can line up with how rows are ordered (e.g. labels cycling 0..9).
        var samplePositions = new int[(galleryRows + SampleStep - 1) / SampleStep];
        var random = new Random(galleryRows);
        for (int t = 0; t < samplePositions.Length; t++)
            samplePositions[t] = random.Next(galleryRows);
        Parallel.For(0, blocks, po,
            () => new Buffers(block * ld, galleryRows),
            (b, _, buffers) =>
            {
                int start = b * block, count = Math.Min(block, queries.PaddedRows - start);
                var distances = buffers.Distances;
                DotKernel.Block(queries, start, count, gallery, 0, ld, distances, ld);
                for (int q = 0; q < count && start + q < queries.Rows; q++)
                {
                    int query = start + q;
                    var d = distances.AsSpan(q * ld, galleryRows);
                    TensorPrimitives.MultiplyAdd(d, -2f, gallery.SquaredNorms.AsSpan(0, galleryRows), d);
                    TensorPrimitives.Add(d, queries.SquaredNorms[query], d);
                    // Round-off can take the distance between near-equal rows below zero; also turns -0 into +0.
                    TensorPrimitives.Max(d, 0f, d);
                    int m = needed(query), self = sameSet ? query : -1;
                    var keys = buffers.Keys.AsSpan();
                    // Usually only a small share of the gallery is wanted: a threshold from a sample keeps the
                    // selection to about 1.5 m candidates; the full set when the sample guessed too low.
                    int n = m * 4 <= galleryRows ? Candidates(d, self, Threshold(d, m, samplePositions, buffers.Sample), keys) : 0;
                    if (n < m)
                        n = Candidates(d, self, float.PositiveInfinity, keys);
                    visit(query, Nearest(keys[..n], m, buffers));
                }
                return buffers;
            },
            _ => { });
    }

    private sealed class Buffers(int distances, int galleryRows)
    {
        public readonly float[] Distances = new float[distances];
        public readonly ulong[] Keys = new ulong[galleryRows];
        public readonly ulong[] Scratch = new ulong[galleryRows];
        public readonly ulong[] Sorted = new ulong[galleryRows];
        public readonly float[] Sample = new float[(galleryRows + SampleStep - 1) / SampleStep];
        public readonly int[] Counts = new int[4 * 256];
    }

    /// <summary>The <paramref name="m"/> smallest of the candidate keys (which are in row order), sorted. Sorting
    /// only the selected keys dominates the search after the dot products, hence a radix sort: the keys with at most
    /// the m-th smallest value are taken in row order, then sorted stably on their 32 distance bits.</summary>
    private static ReadOnlySpan<ulong> Nearest(Span<ulong> candidates, int m, Buffers buffers)
    {
        var scratch = buffers.Scratch.AsSpan(0, candidates.Length);
        candidates.CopyTo(scratch);
        SelectSmallest(scratch, m);
        ulong last = TensorPrimitives.Max<ulong>(scratch[..m]);
        int n = 0;
        foreach (ulong key in candidates)
            if (key <= last)
                scratch[n++] = key;
        // Keys are distinct, so exactly m are at most the m-th smallest.
        var sorted = buffers.Sorted.AsSpan(0, n);
        var counts = buffers.Counts.AsSpan();
        counts.Clear();
        foreach (ulong key in scratch[..n])
            for (int pass = 0; pass < 4; pass++)
                counts[pass * 256 + ((int)(key >> (32 + 8 * pass)) & 255)]++;
        Span<ulong> from = scratch[..n], to = sorted;
        for (int pass = 0; pass < 4; pass++)
        {
            var count = counts.Slice(pass * 256, 256);
            // A byte that is the same in every key leaves the order as it is.
            if (count[(int)(from[0] >> (32 + 8 * pass)) & 255] == n)
                continue;
            int offset = 0;
            for (int b = 0; b < 256; b++)
                (count[b], offset) = (offset, offset + count[b]);
            foreach (ulong key in from)
                to[count[(int)(key >> (32 + 8 * pass)) & 255]++] = key;
            var swap = from;
            from = to;
            to = swap;
        }
        return from;
    }

    /// <summary>One distance in this many goes into the threshold sample.</summary>
    private const int SampleStep = 8;

    /// <summary>A distance that about 1.5 m + 64 rows are within, estimated from a sample of the distances; it only
    /// has to be at least the m-th smallest, which the caller checks.</summary>
    private static float Threshold(ReadOnlySpan<float> distances, int m, int[] positions, Span<float> sample)
    {
        int count = positions.Length;
        for (int t = 0; t < count; t++)
            sample[t] = distances[positions[t]];
        int rank = (int)Math.Min(count - 1L, ((long)m * 3 / 2 + 64) / SampleStep);
        SelectSmallest(sample, rank + 1);
        return TensorPrimitives.Max<float>(sample[..(rank + 1)]);
    }

    /// <summary>Keys of the rows within <paramref name="threshold"/> (all but <paramref name="self"/>), in row order.</summary>
    private static int Candidates(ReadOnlySpan<float> distances, int self, float threshold, Span<ulong> keys)
    {
        int n = 0;
        for (int j = 0; j < distances.Length; j++)
            if (distances[j] <= threshold && j != self)
                keys[n++] = Key(distances[j], j);
        return n;
    }

    /// <summary>Moves the <paramref name="m"/> smallest values to the front (in any order): quickselect with a
    /// median-of-three pivot and Hoare partitioning (which also progresses through runs of equal values).</summary>
    internal static void SelectSmallest<T>(Span<T> keys, int m) where T : struct, IComparisonOperators<T, T, bool>
    {
        int lo = 0, hi = keys.Length - 1, target = m - 1;
        while (lo < hi)
        {
            T a = keys[lo], b = keys[lo + (hi - lo) / 2], c = keys[hi];
            T pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
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
