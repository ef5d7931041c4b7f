using SkiaSharp;

namespace MlNetTriplet.Bench;

/// <summary>Generated JPEG photos for the memory test: two classes (warm backgrounds with circles, cool ones with
/// rectangles), each photo a random size like real photos' (sides drawn in [minSide, maxSide]), a gradient, shapes
/// and fine texture, so the files decode like camera JPEGs of that size. Deterministic for a seed.</summary>
internal static class SyntheticPhotos
{
    public static readonly string[] Classes = ["circles", "rectangles"];

    /// <summary>Writes <paramref name="count"/> photos (half per class) as folder/class/NNNNN.jpg.</summary>
    public static void Write(string folder, int count, int minSide, int maxSide, int seed)
    {
        foreach (string name in Classes)
            Directory.CreateDirectory(Path.Combine(folder, name));
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var random = new Random(HashCode.Combine(seed, i));
            int label = i % Classes.Length;
            int width = random.Next(minSide, maxSide + 1), height = random.Next(minSide, maxSide + 1);
            using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
            using (var canvas = new SKCanvas(bitmap))
                Draw(canvas, width, height, label, random);
            using var image = SKImage.FromBitmap(bitmap);
            using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
            using var file = File.Create(Path.Combine(folder, Classes[label], $"{i / Classes.Length:D5}.jpg"));
            data.SaveTo(file);
        });
    }

    /// <summary>Links the first <paramref name="count"/> photos (half per class) of <paramref name="source"/>, a folder
    /// <see cref="Write"/> filled, into <paramref name="folder"/>: a smaller set of the same files.</summary>
    public static void LinkSubset(string source, string folder, int count)
    {
        for (int label = 0; label < Classes.Length; label++)
        {
            string target = Directory.CreateDirectory(Path.Combine(folder, Classes[label])).FullName;
            int perClass = (count - label + Classes.Length - 1) / Classes.Length;
            for (int k = 0; k < perClass; k++)
            {
                string name = $"{k:D5}.jpg";
                File.CreateSymbolicLink(Path.Combine(target, name), Path.Combine(source, Classes[label], name));
            }
        }
    }

    private static void Draw(SKCanvas canvas, int width, int height, int label, Random random)
    {
        float hue = label == 0 ? random.Next(0, 60) : random.Next(180, 260);
        using (var background = new SKPaint())
        {
            background.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                [SKColor.FromHsv(hue, 60, 90), SKColor.FromHsv((hue + 40) % 360, 80, 40)], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, background);
        }
        using var paint = new SKPaint { IsAntialias = true };
        for (int s = 0; s < 24; s++)
        {
            paint.Color = SKColor.FromHsv(random.Next(0, 360), random.Next(30, 100), random.Next(20, 100), (byte)random.Next(120, 255));
            float x = random.Next(width), y = random.Next(height), r = random.Next(10, Math.Min(width, height) / 4);
            if (label == 0)
                canvas.DrawCircle(x, y, r, paint);
            else
                canvas.DrawRect(x - r, y - r / 2, 2 * r, r, paint);
        }
        // Fine texture (foliage, fur, grain): without it a JPEG of flat shapes is a fraction of a photo's size.
        using var dot = new SKPaint { IsAntialias = false };
        for (int d = 0; d < width * height / 40; d++)
        {
            dot.Color = SKColor.FromHsv(random.Next(0, 360), 50, random.Next(0, 100), 90);
            canvas.DrawRect(random.Next(width), random.Next(height), 2, 2, dot);
        }
    }
}
