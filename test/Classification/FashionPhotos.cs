using Microsoft.ML;
using Microsoft.ML.Data;
using SkiaSharp;

namespace MlNetTriplet.Tests.Classification;

/// <summary>Real Fashion-MNIST items written as colour PNG files, for the tests that read photos through ML.NET
/// ImageAnalytics.</summary>
internal static class FashionPhotos
{
    public static readonly string[] ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Writes each row of <paramref name="source"/> (Fashion-MNIST columns) as <c>{prefix}{row}.png</c> in
    /// <paramref name="dir"/>; returns each file's path and class name.</summary>
    public static List<(string Path, string Label)> Write(IDataView source, string dir, string prefix)
    {
        var photos = new List<(string, string)>();
        var labels = source.GetColumn<uint>("Label").ToArray();
        var pixels = source.GetColumn<float[]>("Features").ToArray();
        for (int i = 0; i < labels.Length; i++)
        {
            using var bitmap = new SKBitmap(28, 28, SKColorType.Rgba8888, SKAlphaType.Opaque);
            for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
            {
                byte v = (byte)(pixels[i][y * 28 + x] * 255);
                bitmap.SetPixel(x, y, new SKColor(v, (byte)(v / 2), (byte)(255 - v)));   // a colour photo, not grey
            }
            string path = Path.Combine(dir, $"{prefix}{i}.png");
            using (var stream = File.Create(path))
                bitmap.Encode(stream, SKEncodedImageFormat.Png, 100);
            photos.Add((path, ClassNames[labels[i]]));
        }
        return photos;
    }
}
