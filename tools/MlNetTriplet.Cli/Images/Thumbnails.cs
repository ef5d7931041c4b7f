using MlNetTriplet.Cli.Report;
using SkiaSharp;

namespace MlNetTriplet.Cli.Images;

/// <summary>Small images for the report's galleries, as encoded bytes ready to embed.</summary>
internal static class Thumbnails
{
    private const int PhotoSide = 160;

    /// <summary>A photo file scaled to fit <see cref="PhotoSide"/> pixels, as JPEG; null when it cannot be decoded.</summary>
    public static Thumbnail? FromFile(string path, string caption, string kind)
    {
        using var bitmap = SKBitmap.Decode(path);
        if (bitmap is null)
            return null;
        double scale = Math.Min(1, (double)PhotoSide / Math.Max(bitmap.Width, bitmap.Height));
        var info = new SKImageInfo(Math.Max(1, (int)(bitmap.Width * scale)), Math.Max(1, (int)(bitmap.Height * scale)));
        using var resized = bitmap.Resize(info, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)) ?? bitmap.Copy();
        using var image = SKImage.FromBitmap(resized);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 80);
        return new Thumbnail(data.ToArray(), "image/jpeg", caption, kind);
    }

    /// <summary>A planar image of values in [0, 1] (1 x H x W grey or 3 x H x W RGB) as PNG; small ones are drawn with
    /// visible pixels.</summary>
    public static Thumbnail FromPixels(ReadOnlySpan<float> pixels, ImageShape shape, string caption, string kind)
    {
        using var bitmap = new SKBitmap(shape.Width, shape.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        int plane = shape.Width * shape.Height;
        for (int y = 0; y < shape.Height; y++)
            for (int x = 0; x < shape.Width; x++)
            {
                int i = y * shape.Width + x;
                byte r = Byte(pixels[i]);
                bitmap.SetPixel(x, y, shape.Channels == 1
                    ? new SKColor(r, r, r)
                    : new SKColor(r, Byte(pixels[plane + i]), Byte(pixels[2 * plane + i])));
            }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return new Thumbnail(data.ToArray(), "image/png", caption, kind, Pixelated: shape.Width < 64);
    }

    private static byte Byte(float value) => (byte)Math.Clamp((int)MathF.Round(value * 255), 0, 255);
}
