using MlNetTriplet.Images;
using SkiaSharp;

namespace MlNetTriplet.Tests.Images;

/// <summary>Photos the image tests write with SkiaSharp, the committed fixtures Skia cannot write, the real
/// Caltech 101 folder, and one-call preparation.</summary>
internal static class TestImages
{
    public static readonly SKColor Red = new(255, 0, 0), Blue = new(0, 0, 255);

    /// <summary>Writes a <paramref name="width"/> x <paramref name="height"/> image coloured by
    /// <paramref name="color"/>(x, y) to <paramref name="directory"/>/<paramref name="name"/>.</summary>
    public static string Write(string directory, string name, int width, int height, Func<int, int, SKColor> color,
        SKEncodedImageFormat format = SKEncodedImageFormat.Png, SKColorType colorType = SKColorType.Rgba8888,
        int quality = 95)
    {
        if (colorType is not (SKColorType.Rgba8888 or SKColorType.Gray8))
            throw new ArgumentOutOfRangeException(nameof(colorType), "Rgba8888 or Gray8.");
        // Raw bytes, not SetPixel: SetPixel premultiplies, which would lose the colour of transparent pixels.
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, colorType, SKAlphaType.Unpremul));
        int bytes = bitmap.BytesPerPixel;
        var pixels = new byte[bitmap.RowBytes * height];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            var c = color(x, y);
            int i = y * bitmap.RowBytes + x * bytes;
            if (bytes == 1)
                pixels[i] = c.Red;
            else
                (pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]) = (c.Red, c.Green, c.Blue, c.Alpha);
        }
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        string path = Path.Combine(directory, name);
        using var data = bitmap.Encode(format, quality) ?? throw new InvalidOperationException($"Skia cannot encode {format}.");
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    /// <summary>Left half red, right half blue.</summary>
    public static string WriteHalves(string directory, string name, int width = 16, int height = 16,
        SKEncodedImageFormat format = SKEncodedImageFormat.Png) =>
        Write(directory, name, width, height, (x, _) => x < width / 2 ? Red : Blue, format);

    /// <summary>A smooth, varied photo-like picture (gradients and rings), for lossy formats and resampling.</summary>
    public static SKColor Smooth(int x, int y, int width, int height)
    {
        double u = (double)x / width, v = (double)y / height;
        double ring = 0.5 + 0.5 * Math.Sin(12 * Math.Sqrt((u - 0.4) * (u - 0.4) + (v - 0.6) * (v - 0.6)));
        return new SKColor((byte)(255 * u), (byte)(255 * v), (byte)(255 * ring));
    }

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Images", "Fixtures", name);

    /// <summary>The Caltech 101 photos the repository carries (data/caltech101: train/ and val/ of six classes).</summary>
    public static string Caltech101 => TestData.Caltech101;

    /// <summary>The evaluation geometry that keeps a <paramref name="size"/> x <paramref name="size"/> image as it is.</summary>
    public static ImagePreparation Identity(int size = 16, int channels = 3) =>
        new(new ImageGeometry(new ImageShape(channels, size, size), size));

    public static float[] Prepare(string path, ImagePreparation preparation, int epoch = 0, long row = 0)
    {
        var values = new float[preparation.Shape.Size];
        using var preparer = preparation.CreatePreparer();
        preparer.PrepareFile(path, epoch, row, values);
        return values;
    }

    /// <summary>The (R, G, B) bytes at (x, y) of a planar 3-channel row.</summary>
    public static (int R, int G, int B) Pixel(float[] values, ImageShape shape, int x, int y)
    {
        int plane = shape.Height * shape.Width, i = y * shape.Width + x;
        return (Byte(values[i]), Byte(values[plane + i]), Byte(values[2 * plane + i]));
    }

    public static int Byte(float value) => (int)Math.Round(value * 255);

    public static void AssertColor((int R, int G, int B) expected, (int R, int G, int B) actual, int tolerance, string what)
    {
        Assert.IsTrue(Math.Abs(expected.R - actual.R) <= tolerance && Math.Abs(expected.G - actual.G) <= tolerance
                      && Math.Abs(expected.B - actual.B) <= tolerance,
            $"{what}: expected {expected} within {tolerance}, got {actual}");
    }
}
