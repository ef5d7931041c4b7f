using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetTriplet.Images;

/// <summary>Pillow's <c>Image.resize(size, BILINEAR, box)</c> on 8-bit pixels, bit for bit: a separable triangle
/// filter whose support widens with the downscale factor (antialiasing), fixed-point coefficients of 22 bits, a
/// horizontal pass rounded to bytes, then a vertical pass (Pillow's <c>Resample.c</c>). torchvision's <c>Resize</c>
/// calls exactly this on PIL images, so a PyTorch peer sees the same pixels. Only the output
/// <see cref="ResamplePlan.Window"/> is computed: resize-then-crop costs what the crop needs.</summary>
internal static class PilResampler
{
    private const int PrecisionBits = 32 - 8 - 2;
    private const int Half = 1 << (PrecisionBits - 1);

    /// <summary>Resamples <paramref name="plan"/>'s box of <paramref name="source"/> (rows of
    /// <paramref name="stride"/> bytes, <paramref name="channels"/> bytes a pixel: 4 or 1) into the window's pixels,
    /// interleaved, row after row, in <paramref name="destination"/> (window width x height x channels bytes).</summary>
    public static void Resample(ReadOnlySpan<byte> source, int stride, int channels, in ResamplePlan plan,
        Span<byte> destination, ResampleScratch scratch)
    {
        var window = plan.Window;
        var region = plan.Region;
        int kx = Coefficients(region.Width, plan.Box.X0, plan.Box.X1, plan.OutputWidth, window.X, window.Width,
            ref scratch.BoundsX, ref scratch.WeightsX);
        int ky = Coefficients(region.Height, plan.Box.Y0, plan.Box.Y1, plan.OutputHeight, window.Y, window.Height,
            ref scratch.BoundsY, ref scratch.WeightsY);

        // Rows of the region the vertical pass reads; the horizontal pass runs on those only.
        var boundsY = scratch.BoundsY;
        int firstRow = boundsY[0];
        int lastRow = boundsY[2 * (window.Height - 1)] + boundsY[2 * (window.Height - 1) + 1];
        int rowBytes = window.Width * channels;
        var temp = scratch.Temp(checked((lastRow - firstRow) * rowBytes));
        var regionStart = source[(region.Y * stride + region.X * channels)..];
        for (int y = firstRow; y < lastRow; y++)
        {
            var input = regionStart.Slice(y * stride, region.Width * channels);
            var output = temp.Slice((y - firstRow) * rowBytes, rowBytes);
            if (channels == 4)
                Horizontal4(input, output, scratch.BoundsX, scratch.WeightsX, kx);
            else
                Horizontal1(input, output, scratch.BoundsX, scratch.WeightsX, kx);
        }
        for (int y = 0; y < window.Height; y++)
        {
            int start = boundsY[2 * y] - firstRow, taps = boundsY[2 * y + 1];
            Vertical(temp[(start * rowBytes)..], rowBytes, scratch.WeightsY.AsSpan(y * ky, taps),
                destination.Slice(y * rowBytes, rowBytes));
        }
    }

    /// <summary>Pillow's <c>precompute_coeffs</c> then <c>normalize_coeffs_8bpc</c>, for the outputs
    /// [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of <paramref name="outSize"/>:
    /// per output, the first input index and the tap count in <paramref name="bounds"/>, the fixed-point weights in
    /// <paramref name="weights"/> (a row of the returned kernel size each).</summary>
    internal static int Coefficients(int inSize, double in0, double in1, int outSize, int first, int count,
        ref int[] bounds, ref int[] weights)
    {
        double scale = (in1 - in0) / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = filterScale;   // the triangle filter's support is 1, widened by the downscale factor
        int kernel = (int)Math.Ceiling(support) * 2 + 1;
        Grow(ref bounds, 2 * count);
        Grow(ref weights, count * kernel);
        Span<double> taps = stackalloc double[kernel];
        for (int i = 0; i < count; i++)
        {
            double center = in0 + (first + i + 0.5) * scale;
            double inverse = 1.0 / filterScale;
            int min = Math.Max((int)(center - support + 0.5), 0);
            int max = Math.Min((int)(center + support + 0.5), inSize) - min;
            double total = 0;
            for (int x = 0; x < max; x++)
            {
                double w = Math.Abs((x + min - center + 0.5) * inverse);
                taps[x] = w < 1 ? 1 - w : 0;
                total += taps[x];
            }
            var row = weights.AsSpan(i * kernel, kernel);
            row.Clear();
            for (int x = 0; x < max; x++)
            {
                double w = total != 0 ? taps[x] / total : taps[x];
                row[x] = (int)(w < 0 ? -0.5 + w * (1 << PrecisionBits) : 0.5 + w * (1 << PrecisionBits));
            }
            bounds[2 * i] = min;
            bounds[2 * i + 1] = max;
        }
        return kernel;
    }

    private static void Grow(ref int[] array, int length)
    {
        if (array.Length < length)
            array = new int[Math.Max(length, array.Length * 2)];
    }

    /// <summary>One row, four channels: a pixel is one 128-bit vector of four 32-bit sums.</summary>
    private static void Horizontal4(ReadOnlySpan<byte> input, Span<byte> output, int[] bounds, int[] weights, int kernel)
    {
        ref byte src = ref MemoryMarshal.GetReference(input);
        ref int w = ref MemoryMarshal.GetArrayDataReference(weights);
        int pixels = output.Length / 4;
        for (int x = 0; x < pixels; x++)
        {
            int min = bounds[2 * x], taps = bounds[2 * x + 1];
            var sum = Vector128.Create(Half);
            ref byte p = ref Unsafe.Add(ref src, min * 4);
            ref int k = ref Unsafe.Add(ref w, x * kernel);
            for (int t = 0; t < taps; t++)
            {
                uint packed = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, t * 4));
                var pixel = Vector128.WidenLower(Vector128.WidenLower(Vector128.CreateScalarUnsafe(packed).AsByte()));
                sum += pixel.AsInt32() * Vector128.Create(Unsafe.Add(ref k, t));
            }
            Unsafe.WriteUnaligned(ref output[4 * x], ToBytes(sum).AsUInt32().ToScalar());
        }
    }

    private static void Horizontal1(ReadOnlySpan<byte> input, Span<byte> output, int[] bounds, int[] weights, int kernel)
    {
        for (int x = 0; x < output.Length; x++)
        {
            int min = bounds[2 * x], taps = bounds[2 * x + 1];
            int sum = Half;
            var k = weights.AsSpan(x * kernel, taps);
            for (int t = 0; t < taps; t++)
                sum += input[min + t] * k[t];
            output[x] = Clip(sum);
        }
    }

    /// <summary>One output row: the weighted sum of <paramref name="weights"/>.Length input rows starting at
    /// <paramref name="rows"/>, 16 bytes at a time.</summary>
    private static void Vertical(ReadOnlySpan<byte> rows, int rowBytes, ReadOnlySpan<int> weights, Span<byte> output)
    {
        ref byte src = ref MemoryMarshal.GetReference(rows);
        int x = 0;
        for (; x <= rowBytes - 16; x += 16)
        {
            Vector128<int> s0 = Vector128.Create(Half), s1 = s0, s2 = s0, s3 = s0;
            for (int t = 0; t < weights.Length; t++)
            {
                var bytes = Vector128.LoadUnsafe(ref Unsafe.Add(ref src, t * rowBytes + x));
                var k = Vector128.Create(weights[t]);
                var (low, high) = Vector128.Widen(bytes);
                var (a, b) = Vector128.Widen(low);
                var (c, d) = Vector128.Widen(high);
                s0 += a.AsInt32() * k;
                s1 += b.AsInt32() * k;
                s2 += c.AsInt32() * k;
                s3 += d.AsInt32() * k;
            }
            var packed = Vector128.Narrow(Vector128.Narrow(Clamp(s0), Clamp(s1)), Vector128.Narrow(Clamp(s2), Clamp(s3)));
            packed.StoreUnsafe(ref output[x]);
        }
        for (; x < rowBytes; x++)
        {
            int sum = Half;
            for (int t = 0; t < weights.Length; t++)
                sum += Unsafe.Add(ref src, t * rowBytes + x) * weights[t];
            output[x] = Clip(sum);
        }
    }

    /// <summary>Pillow's <c>clip8</c>: the sum shifted down to a byte, saturated at 0 and 255.</summary>
    private static Vector128<uint> Clamp(Vector128<int> sum) =>
        Vector128.Min(Vector128.Max(Vector128.ShiftRightArithmetic(sum, PrecisionBits), Vector128<int>.Zero),
            Vector128.Create(255)).AsUInt32();

    private static Vector128<byte> ToBytes(Vector128<int> sum)
    {
        var clamped = Clamp(sum);
        return Vector128.Narrow(Vector128.Narrow(clamped, clamped), Vector128.Narrow(clamped, clamped));
    }

    private static byte Clip(int sum) => (byte)Math.Clamp(sum >> PrecisionBits, 0, 255);
}

/// <summary>Growable buffers one resampling thread reuses from image to image (no allocation once warm).</summary>
internal sealed class ResampleScratch
{
    public int[] BoundsX = [], WeightsX = [], BoundsY = [], WeightsY = [];
    private byte[] _temp = [];

    public Span<byte> Temp(int length)
    {
        if (_temp.Length < length)
            _temp = GC.AllocateUninitializedArray<byte>(Math.Max(length, _temp.Length * 2));
        return _temp.AsSpan(0, length);
    }
}
