using SkiaSharp;
using static TorchSharp.torch;

namespace MlNetTriplet.Tests.Backbones;

/// <summary>A few real photos from data/caltech101 (one of them greyscale), decoded and squashed to a square by SkiaSharp: the
/// backbone tests are about the network, not the decoder, so any fixed decoding will do.</summary>
internal static class BackbonePhotos
{
    private static readonly string Directory = Path.Combine(TestData.Caltech101, "train");

    public static readonly string[] Paths =
    [
        Path.Combine(Directory, "ant", "image_0001.jpg"),
        Path.Combine(Directory, "ant", "image_0005.jpg"),
        Path.Combine(Directory, "pizza", "image_0001.jpg"),
        Path.Combine(Directory, "sunflower", "image_0001.jpg"),
    ];

    /// <summary>3 x size x size bytes, planar R, G, B.</summary>
    public static byte[] Rgb(string path, int size = 224)
    {
        using var decoded = SKBitmap.Decode(path) ?? throw new InvalidDataException($"cannot decode '{path}'");
        using var resized = decoded.Resize(new SKImageInfo(size, size, SKColorType.Rgba8888), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        var planes = new byte[3 * size * size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                var c = resized.GetPixel(x, y);
                int i = y * size + x;
                (planes[i], planes[size * size + i], planes[2 * size * size + i]) = (c.Red, c.Green, c.Blue);
            }
        return planes;
    }

    /// <summary>N x 3 x size x size RGB in [0, 1]: the backbones' input.</summary>
    public static Tensor Batch(int size = 224) =>
        stack(Paths.Select(p => tensor(Rgb(p, size).Select(b => b / 255f).ToArray(), [3, size, size])).ToArray());
}
