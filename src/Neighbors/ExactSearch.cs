using System.Numerics;
using System.Numerics.Tensors;

namespace MlNetTriplet.Neighbors;

/// <summary>Receives one query's nearest gallery rows, ascending by (reduced distance, index), as
/// <see cref="ExactSearch"/> keys.</summary>
internal delegate void NeighborVisitor(int query, ReadOnlySpan<ulong> nearest);

/// <summary>Receives one query's reduced distances to every gallery row.</summary>
internal delegate void DistanceVisitor(int query, ReadOnlySpan<float> distances);

/// <summary>Exact nearest-neighbour search: every query against every gallery row, in blocks of queries so memory stays
/// at a few megabytes per thread (never a full distance matrix). A block's distances come from blocked dot products
/// (<see cref="DotKernel"/>) for the metrics that allow it (<see cref="DistanceKernel.FromDots"/>: euclidean, cosine,
/// correlation), pair by pair otherwise (L1, custom distances), each gallery row read once per block while it is in L1.
/// Results are identical for any thread count: each query's distances and ordering depend only on the data.</summary>
internal static class ExactSearch
{
    /// <summary>Distances kept per thread at most (floats): the query block shrinks as the gallery grows.</summary>
    private const int BufferFloats = 1 << 21;

    private const int MaxBlock = 64;

    /// <summary>Row index of a key.</summary>
    public static int Index(ulong key) => (int)(uint)key;

    /// <summary>Reduced distance of a key.</summary>
    public static float Distance(ulong key) => BitConverter.UInt32BitsToSingle((uint)(key >> 32));

    /// <summary>A distance and a row index packed so that integer order is (distance, index) order: the bits of a
    /// non-negative float grow with its value.</summary>
    private static ulong Key(float distance, int index) => (ulong)BitConverter.SingleToUInt32Bits(distance) << 32 | (uint)index;

    /// <summary>Calls <paramref name="visit"/> for every query (concurrently, in no particular order) with its
    /// <paramref name="needed"/>(query) nearest gallery rows.</summary>
    /// <param name="queries">Query rows, packed and prepared for <paramref name="metric"/>.</param>
    /// <param name="gallery">Rows searched; when <paramref name="sameSet"/>, the queries themselves.</param>
    /// <param name="metric">How distances are measured.</param>
    /// <param name="sameSet">Each query skips its own row (leave-one-out).</param>
    /// <param name="needed">Neighbours wanted per query: 1 .. gallery rows (minus one when <paramref name="sameSet"/>).</param>
    /// <param name="visit">Receives the neighbours; the span is reused after it returns.</param>
    /// <param name="po">Parallelism.</param>
    public static void ForEachQuery(PackedRows queries, PackedRows gallery, DistanceKernel metric, bool sameSet,
        Func<int, int> needed, NeighborVisitor visit, ParallelOptions po)
    {
        int galleryRows = gallery.Rows;
        // Random positions: a regular stride can line up with how rows are ordered (e.g. labels cycling 0..9).
        var samplePositions = new int[(galleryRows + SampleStep - 1) / SampleStep];
        var random = new Random(galleryRows);
        for (int t = 0; t < samplePositions.Length; t++)
            samplePositions[t] = random.Next(galleryRows);
        InBlocks(queries, gallery, metric, () => new Buffers(galleryRows), (query, d, buffers) =>
        {
            int m = needed(query), self = sameSet ? query : -1;
            var keys = buffers.Keys.AsSpan();
            // Usually only a small share of the gallery is wanted: a threshold from a sample keeps the selection
            // to about 1.5 m candidates; the full set when the sample guessed too low.
            int n = m * 4 <= galleryRows ? Candidates(d, self, Threshold(d, m, samplePositions, buffers.Sample), keys) : 0;
            if (n < m)
                n = Candidates(d, self, float.PositiveInfinity, keys);
            visit(query, Nearest(keys[..n], m, buffers));
        }, po);
    }

    /// <summary>The <paramref name="k"/> nearest gallery rows of every query, ascending by (reduced distance, index):
    /// row-major queries x k <paramref name="indices"/> and reduced <paramref name="distances"/>.</summary>
    public static void Nearest(PackedRows queries, PackedRows gallery, DistanceKernel metric, int k, bool sameSet,
        int[] indices, float[] distances, ParallelOptions po) =>
        ForEachQuery(queries, gallery, metric, sameSet, _ => k, (query, nearest) =>
        {
            for (int t = 0; t < k; t++)
            {
                indices[query * k + t] = Index(nearest[t]);
                distances[query * k + t] = Distance(nearest[t]);
            }
        }, po);

    /// <summary>Calls <paramref name="visit"/> for every query (concurrently, in no particular order) with its reduced
    /// distances to every gallery row, as the search measures them.</summary>
    public static void ForEachDistanceRow(PackedRows queries, PackedRows gallery, DistanceKernel metric,
        DistanceVisitor visit, ParallelOptions po) =>
        InBlocks<object?>(queries, gallery, metric, () => null, (query, d, _) => visit(query, d), po);

    /// <summary>Computes the distances of blocks of queries to the whole gallery, one buffer per thread, and hands
    /// each query's row to <paramref name="row"/> with the thread's state.</summary>
    private static void InBlocks<TState>(PackedRows queries, PackedRows gallery, DistanceKernel metric,
        Func<TState> state, RowAction<TState> row, ParallelOptions po)
    {
        int galleryRows = gallery.Rows, ld = gallery.PaddedRows;
        int tile = DotKernel.TileRows;
        int block = Math.Clamp(BufferFloats / ld / tile * tile, tile, MaxBlock);
        int blocks = (queries.PaddedRows + block - 1) / block;
        Parallel.For(0, blocks, po,
            () => (Distances: new float[block * ld], State: state()),
            (b, _, local) =>
            {
                int start = b * block, count = Math.Min(block, queries.PaddedRows - start);
                int real = Math.Min(count, queries.Rows - start);
                var distances = local.Distances;
                if (metric.FromDotProducts)
                    DotKernel.Block(queries, start, count, gallery, 0, ld, distances, ld);
                else
                {
                    // Gallery rows outside, queries inside: a gallery row stays in L1 across the block.
                    for (int j = 0; j < galleryRows; j++)
                    {
                        var reference = gallery.Values(j);
                        for (int q = 0; q < real; q++)
                            // The clamp turns a -0 into +0, whose bits sort first.
                            distances[q * ld + j] = Math.Max(metric.Reduced(queries.Values(start + q), reference), 0f);
                    }
                }
                for (int q = 0; q < real; q++)
                {
                    var d = distances.AsSpan(q * ld, galleryRows);
                    // Each row turned into distances just before it is used, while it is in cache.
                    if (metric.FromDotProducts)
                        metric.FromDots(d, queries.SquaredNorms[start + q], gallery.SquaredNorms.AsSpan(0, galleryRows));
                    row(start + q, d, local.State);
                }
                return local;
            },
            _ => { });
    }

    private delegate void RowAction<in TState>(int query, Span<float> distances, TState state);

    private sealed class Buffers(int galleryRows)
    {
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
