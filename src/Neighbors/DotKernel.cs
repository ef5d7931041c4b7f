using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MlNetTriplet.Neighbors;

/// <summary>Dot products between blocks of <see cref="PackedRows"/>, 4 x 4 pairs at once with 16 independent vector
/// accumulators, so it runs at the FMA units' throughput instead of one pair's dependency chain (about 5x faster than
/// a dot product per pair). <see cref="SelfDot"/> uses the same arithmetic as the pairs, so a row's distance to an
/// identical row is exactly 0.</summary>
internal static class DotKernel
{
    /// <summary>Rows per tile side; <see cref="PackedRows"/> pads its row count to a multiple of it.</summary>
    public const int TileRows = 4;

    /// <summary>output[(i − aStart) · ld + (j − bStart)] = a_i · b_j for i in [aStart, aStart + aCount), j in
    /// [bStart, bStart + bCount); starts and counts are multiples of <see cref="TileRows"/> within the padded rows.</summary>
    public static void Block(PackedRows a, int aStart, int aCount, PackedRows b, int bStart, int bCount, Span<float> output, int ld)
    {
        int stride = a.Stride;
        ref float aData = ref MemoryMarshal.GetArrayDataReference(a.Data);
        ref float bData = ref MemoryMarshal.GetArrayDataReference(b.Data);
        ref float outData = ref MemoryMarshal.GetReference(output);
        // Gallery quads outside, query quads inside: the four gallery rows stay in L1 across the query block.
        for (int j = 0; j < bCount; j += TileRows)
            for (int i = 0; i < aCount; i += TileRows)
                Tile(ref Unsafe.Add(ref aData, (nint)(aStart + i) * stride), ref Unsafe.Add(ref bData, (nint)(bStart + j) * stride),
                    stride, ref Unsafe.Add(ref outData, (nint)i * ld + j), ld);
    }

    private static void Tile(ref float a, ref float b, int stride, ref float output, int ld)
    {
        ref float a1 = ref Unsafe.Add(ref a, stride);
        ref float a2 = ref Unsafe.Add(ref a, 2 * stride);
        ref float a3 = ref Unsafe.Add(ref a, 3 * stride);
        ref float b1 = ref Unsafe.Add(ref b, stride);
        ref float b2 = ref Unsafe.Add(ref b, 2 * stride);
        ref float b3 = ref Unsafe.Add(ref b, 3 * stride);
        Quad row0 = default, row1 = default, row2 = default, row3 = default;
        for (nuint k = 0; k < (nuint)stride; k += (nuint)Vector<float>.Count)
        {
            var y0 = Vector.LoadUnsafe(ref b, k);
            var y1 = Vector.LoadUnsafe(ref b1, k);
            var y2 = Vector.LoadUnsafe(ref b2, k);
            var y3 = Vector.LoadUnsafe(ref b3, k);
            row0.Add(Vector.LoadUnsafe(ref a, k), y0, y1, y2, y3);
            row1.Add(Vector.LoadUnsafe(ref a1, k), y0, y1, y2, y3);
            row2.Add(Vector.LoadUnsafe(ref a2, k), y0, y1, y2, y3);
            row3.Add(Vector.LoadUnsafe(ref a3, k), y0, y1, y2, y3);
        }
        row0.Store(ref output);
        row1.Store(ref Unsafe.Add(ref output, ld));
        row2.Store(ref Unsafe.Add(ref output, 2 * ld));
        row3.Store(ref Unsafe.Add(ref output, 3 * ld));
    }

    /// <summary>One row of a tile: four independent accumulators, one per column.</summary>
    private struct Quad
    {
        private Vector<float> _c0, _c1, _c2, _c3;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(Vector<float> x, Vector<float> y0, Vector<float> y1, Vector<float> y2, Vector<float> y3)
        {
            _c0 = Vector.FusedMultiplyAdd(x, y0, _c0);
            _c1 = Vector.FusedMultiplyAdd(x, y1, _c1);
            _c2 = Vector.FusedMultiplyAdd(x, y2, _c2);
            _c3 = Vector.FusedMultiplyAdd(x, y3, _c3);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Store(ref float output)
        {
            output = Vector.Sum(_c0);
            Unsafe.Add(ref output, 1) = Vector.Sum(_c1);
            Unsafe.Add(ref output, 2) = Vector.Sum(_c2);
            Unsafe.Add(ref output, 3) = Vector.Sum(_c3);
        }
    }

    public static float SelfDot(ReadOnlySpan<float> row)
    {
        ref float r = ref MemoryMarshal.GetReference(row);
        Vector<float> c = default;
        for (nuint k = 0; k < (nuint)row.Length; k += (nuint)Vector<float>.Count)
        {
            var x = Vector.LoadUnsafe(ref r, k);
            c = Vector.FusedMultiplyAdd(x, x, c);
        }
        return Vector.Sum(c);
    }
}
