namespace MlNetTriplet.Images;

/// <summary>The byte order of 4-byte pixels.</summary>
internal enum PixelOrder
{
    Rgba,
    Bgra,
}

/// <summary>From interleaved bytes to the network's planar layout (C x H x W, ML.NET's
/// <c>ExtractPixels(interleavePixelColors: false)</c>), and to grey.</summary>
internal static class PlanarPixels
{
    /// <summary>Byte value / 255 in float, exactly what torchvision's <c>ToTensor</c> computes.</summary>
    private static readonly float[] Scaled = Enumerable.Range(0, 256).Select(v => v / 255f).ToArray();

    /// <summary>Writes <paramref name="window"/> (H x W pixels of <paramref name="channels"/> bytes: 4 in
    /// <paramref name="order"/>, or 1 grey) as <paramref name="shape"/>.Channels planes of values in [0, 1],
    /// mirrored left-right when <paramref name="flip"/>.</summary>
    public static void Write(ReadOnlySpan<byte> window, int channels, PixelOrder order, bool flip, ImageShape shape,
        Span<float> destination) => Write<float, ToFloat>(window, channels, order, flip, shape, destination);

    /// <summary>As <see cref="Write(ReadOnlySpan{byte}, int, PixelOrder, bool, ImageShape, Span{float})"/>, keeping
    /// the bytes (0-255).</summary>
    public static void Write(ReadOnlySpan<byte> window, int channels, PixelOrder order, bool flip, ImageShape shape,
        Span<byte> destination) => Write<byte, ToByte>(window, channels, order, flip, shape, destination);

    private static void Write<T, TConvert>(ReadOnlySpan<byte> window, int channels, PixelOrder order, bool flip,
        ImageShape shape, Span<T> destination) where TConvert : IConvert<T>
    {
        int plane = shape.Height * shape.Width;
        for (int c = 0; c < shape.Channels; c++)
        {
            int offset = SourceChannel(c, channels, order);
            var output = destination.Slice(c * plane, plane);
            for (int y = 0; y < shape.Height; y++)
            {
                var input = window.Slice(y * shape.Width * channels, shape.Width * channels);
                var row = output.Slice(y * shape.Width, shape.Width);
                if (flip)
                    for (int x = 0, m = shape.Width - 1; x < row.Length; x++)
                        row[m - x] = TConvert.Convert(input[x * channels + offset]);
                else
                    for (int x = 0; x < row.Length; x++)
                        row[x] = TConvert.Convert(input[x * channels + offset]);
            }
        }
    }

    private interface IConvert<T>
    {
        static abstract T Convert(byte value);
    }

    private struct ToFloat : IConvert<float>
    {
        public static float Convert(byte value) => Scaled[value];
    }

    private struct ToByte : IConvert<byte>
    {
        public static byte Convert(byte value) => value;
    }

    /// <summary>Bytes (0-255) to values in [0, 1].</summary>
    public static void Scale(ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        var scaled = Scaled.AsSpan();
        for (int i = 0; i < bytes.Length; i++)
            destination[i] = scaled[bytes[i]];
    }

    /// <summary>PIL's <c>convert("L")</c>: L = (19595 R + 38470 G + 7471 B + 2^15) / 2^16 (ITU-R 601-2 luma).</summary>
    public static void ToLuma(ReadOnlySpan<byte> pixels, PixelOrder order, Span<byte> grey)
    {
        int r = order == PixelOrder.Rgba ? 0 : 2, b = 2 - r;
        for (int i = 0; i < grey.Length; i++)
        {
            var p = pixels.Slice(4 * i, 4);
            grey[i] = (byte)((p[r] * 19595 + p[1] * 38470 + p[b] * 7471 + 0x8000) >> 16);
        }
    }

    /// <summary>Where output channel <paramref name="c"/> (R, G, B) sits in a source pixel.</summary>
    private static int SourceChannel(int c, int channels, PixelOrder order) =>
        channels == 1 ? 0 : order == PixelOrder.Rgba ? c : 2 - c;
}
