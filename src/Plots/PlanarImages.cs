using SkiaSharp;

namespace MlNetTriplet.Plots;

/// <summary>Planar images (C x H x W floats in [0, 1], grey or RGB, the layout of the package's image columns) as
/// Skia bitmaps, with the checks every picture of them shares.</summary>
internal static class PlanarImages
{
    /// <summary>Throws unless <paramref name="pixels"/> holds one grey or RGB image of <paramref name="shape"/> with
    /// values in [0, 1].</summary>
    public static void Check(ReadOnlySpan<float> pixels, ImageShape shape, string parameterName)
    {
        shape.Validate(parameterName);
        if (shape.Channels is not (1 or 3))
            throw new ArgumentException($"Images must have 1 (grey) or 3 (RGB) channels; got {shape}.", parameterName);
        if (pixels.Length != shape.Size)
            throw new ArgumentException($"A {shape} image holds {shape.Size} values; got {pixels.Length}.", parameterName);
        foreach (float v in pixels)
            if (!(v is >= 0 and <= 1))
                throw new ArgumentException(
                    $"Image values must be in [0, 1] (got {v}): scale pixels first, e.g. ExtractPixels(scaleImage: 1f / 255).",
                    parameterName);
    }

    /// <summary>An opaque bitmap of the image (grey repeated in the three channels).</summary>
    public static SKBitmap ToBitmap(ReadOnlySpan<float> pixels, ImageShape shape)
    {
        int plane = shape.Height * shape.Width;
        var bitmap = new SKBitmap(shape.Width, shape.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var bytes = new byte[plane * 4];
        for (int i = 0; i < plane; i++)
        {
            for (int c = 0; c < 3; c++)
                bytes[i * 4 + c] = ToByte(pixels[(shape.Channels == 3 ? c : 0) * plane + i]);
            bytes[i * 4 + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, bitmap.GetPixels(), bytes.Length);
        return bitmap;
    }

    /// <summary>The photo at <paramref name="path"/> as RGB planes in [0, 1], reduced smoothly (never enlarged) so
    /// that its longer side is at most <paramref name="maxSide"/> pixels.</summary>
    /// <exception cref="InvalidDataException">The file cannot be read or decoded (named).</exception>
    public static (float[] Pixels, ImageShape Shape) FromFile(string path, int maxSide)
    {
        using var decoded = File.Exists(path) ? SKBitmap.Decode(path) : null;
        if (decoded is null)
            throw new InvalidDataException($"Cannot read image '{path}': {(File.Exists(path) ? "not a decodable image" : "no such file")}.");
        double scale = Math.Min(1.0, (double)maxSide / Math.Max(decoded.Width, decoded.Height));
        var size = new SKImageInfo(Math.Max(1, (int)Math.Round(decoded.Width * scale)), Math.Max(1, (int)Math.Round(decoded.Height * scale)),
            SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var resized = decoded.Resize(size, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
            ?? throw new InvalidDataException($"Cannot resize image '{path}'.");
        int plane = size.Width * size.Height;
        var bytes = resized.GetPixelSpan();
        var pixels = new float[3 * plane];
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++)
                pixels[c * plane + i] = bytes[i * 4 + c] / 255f;
        return (pixels, new ImageShape(3, size.Height, size.Width));
    }

    private static byte ToByte(float v) => (byte)Math.Clamp(MathF.Round(v * 255), 0, 255);
}
