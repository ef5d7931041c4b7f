using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MlNetTriplet.Evaluation;

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
        Vector<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector<float> c30 = default, c31 = default, c32 = default, c33 = default;
        for (nuint k = 0; k < (nuint)stride; k += (nuint)Vector<float>.Count)
        {
            var y0 = Vector.LoadUnsafe(ref b, k);
            var y1 = Vector.LoadUnsafe(ref b1, k);
            var y2 = Vector.LoadUnsafe(ref b2, k);
            var y3 = Vector.LoadUnsafe(ref b3, k);
            var x = Vector.LoadUnsafe(ref a, k);
            c00 = Vector.FusedMultiplyAdd(x, y0, c00);
            c01 = Vector.FusedMultiplyAdd(x, y1, c01);
            c02 = Vector.FusedMultiplyAdd(x, y2, c02);
            c03 = Vector.FusedMultiplyAdd(x, y3, c03);
            x = Vector.LoadUnsafe(ref a1, k);
            c10 = Vector.FusedMultiplyAdd(x, y0, c10);
            c11 = Vector.FusedMultiplyAdd(x, y1, c11);
            c12 = Vector.FusedMultiplyAdd(x, y2, c12);
            c13 = Vector.FusedMultiplyAdd(x, y3, c13);
            x = Vector.LoadUnsafe(ref a2, k);
            c20 = Vector.FusedMultiplyAdd(x, y0, c20);
            c21 = Vector.FusedMultiplyAdd(x, y1, c21);
            c22 = Vector.FusedMultiplyAdd(x, y2, c22);
            c23 = Vector.FusedMultiplyAdd(x, y3, c23);
            x = Vector.LoadUnsafe(ref a3, k);
            c30 = Vector.FusedMultiplyAdd(x, y0, c30);
            c31 = Vector.FusedMultiplyAdd(x, y1, c31);
            c32 = Vector.FusedMultiplyAdd(x, y2, c32);
            c33 = Vector.FusedMultiplyAdd(x, y3, c33);
        }
        Store(ref output, Vector.Sum(c00), Vector.Sum(c01), Vector.Sum(c02), Vector.Sum(c03));
        Store(ref Unsafe.Add(ref output, ld), Vector.Sum(c10), Vector.Sum(c11), Vector.Sum(c12), Vector.Sum(c13));
        Store(ref Unsafe.Add(ref output, 2 * ld), Vector.Sum(c20), Vector.Sum(c21), Vector.Sum(c22), Vector.Sum(c23));
        Store(ref Unsafe.Add(ref output, 3 * ld), Vector.Sum(c30), Vector.Sum(c31), Vector.Sum(c32), Vector.Sum(c33));
    }

    private static void Store(ref float output, float v0, float v1, float v2, float v3)
    {
        output = v0;
        Unsafe.Add(ref output, 1) = v1;
        Unsafe.Add(ref output, 2) = v2;
        Unsafe.Add(ref output, 3) = v3;
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
