using MlNetTriplet.Plots;
using SkiaSharp;

namespace MlNetTriplet.Tests.Plots;

[TestClass]
public sealed class ImageGalleryTests
{
    [TestMethod]
    public void Save_LaysImagesOutInAGridWithCaptionsBoxesAndHighlights()
    {
        string dir = TestData.TempDirectory();
        try
        {
            var grey = new GalleryImage(Enumerable.Repeat(0.5f, 16 * 16).ToArray(), new ImageShape(1, 16, 16), "true ant\npred ant 0.97");
            var photo = new GalleryImage(Enumerable.Repeat(1f, 3 * 300 * 200).ToArray(), new ImageShape(3, 300, 200), "a photo")
            {
                Boxes = [new GalleryBox(10, 10, 100, 100, "#00ff00")],
                Highlight = true,
            };
            string path = Path.Combine(dir, "gallery.png");
            ImageGallery.Save([grey, photo, grey, grey, grey], path, columns: 3, title: "Gallery", tileSize: 100);
            var (width, height) = PngAssert.ReadPngSize(path);
            Assert.AreEqual(12 + 3 * (100 + 12), width);
            Assert.IsGreaterThan(2 * 100, height, "two rows of tiles and captions");
            using var bitmap = SKBitmap.Decode(path);
            // Tiles start 12 px in and under the title (12 + 1.6 x 20 px): the first is centred at (62, 94).
            Assert.AreEqual(new SKColor(128, 128, 128), bitmap.GetPixel(62, 94), "a 16 px grey image enlarged 6x");
            Assert.AreEqual(SKColors.White, bitmap.GetPixel(62, 44 + 1), "96 px of it in a 100 px tile: white margin");
            // The 200 x 300 photo is reduced to 67 x 100, centred at x = 174: its left edge is near x = 141.
            var frame = bitmap.GetPixel(139, 94);
            Assert.IsTrue(frame.Red > 150 && frame.Green < 100, $"the highlighted photo is framed in red: {frame}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void Save_RefusesNoImagesBadPixelsOrBadSizes()
    {
        var good = new GalleryImage([0f, 1f, 0.5f, 0.5f], new ImageShape(1, 2, 2), "x");
        Assert.ThrowsExactly<ArgumentException>(() => ImageGallery.Save([], "g.png"));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() =>
            ImageGallery.Save([good, good with { Pixels = [0f, 2f, 0f, 0f] }], "g.png")).Message, "[0, 1]");
        Assert.ThrowsExactly<ArgumentException>(() => ImageGallery.Save([good with { Pixels = [0f] }], "g.png"));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ImageGallery.Save([good], "g.png", columns: -1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ImageGallery.Save([good], "g.png", tileSize: 8));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() =>
            ImageGallery.Save([good with { Boxes = [new GalleryBox(0, 0, 1, 1, "green")] }], "g.png")).Message, "#rrggbb");
    }
}
