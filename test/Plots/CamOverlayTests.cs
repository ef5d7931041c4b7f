using MlNetTriplet.Plots;
using SkiaSharp;

namespace MlNetTriplet.Tests.Plots;

[TestClass]
public sealed class CamOverlayTests
{
    [TestMethod]
    public void Jet_GoesFromDarkBlueThroughGreenToDarkRed()
    {
        Assert.AreEqual((0f, 0f, 0.5f), HeatmapColors.Jet(0));
        Assert.AreEqual((0.5f, 1f, 0.5f), HeatmapColors.Jet(0.5f));
        Assert.AreEqual((0.5f, 0f, 0f), HeatmapColors.Jet(1));
        Assert.AreEqual((1f, 1f, 0f), HeatmapColors.Jet(0.625f), "yellow on the way up");
    }

    [TestMethod]
    public void Blend_MixesImageAndJetThenScalesToTheBrightestValue_AsShowCamOnImage()
    {
        // A grey 1 x 2 image (0.2, 1.0) under the map (0, 1): 0.5 * jet + 0.5 * image, divided by the maximum 0.75.
        var blended = CamOverlays.Blend([0.2f, 1f], new ImageShape(1, 1, 2), [0f, 1f]);
        float[] expected = [0.1f / 0.75f, 0.75f / 0.75f, 0.1f / 0.75f, 0.5f / 0.75f, 0.35f / 0.75f, 0.5f / 0.75f];
        Assert.HasCount(6, blended);
        for (int i = 0; i < 6; i++)
            Assert.AreEqual(expected[i], blended[i], 1e-6f, $"value {i}");
    }

    [TestMethod]
    public void Blend_RefusesValuesOutsideTheUnitRangeAndMismatchedSizes()
    {
        var shape = new ImageShape(1, 1, 2);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => CamOverlays.Blend([0f, 255f], shape, [0f, 1f])).Message,
            "scaleImage");
        Assert.ThrowsExactly<ArgumentException>(() => CamOverlays.Blend([0f, 1f], shape, [0f, 1.5f]));
        Assert.ThrowsExactly<ArgumentException>(() => CamOverlays.Blend([0f, 1f], shape, [0f]));
        Assert.ThrowsExactly<ArgumentException>(() => CamOverlays.Blend([0f, 1f, 0f, 0f], new ImageShape(2, 1, 2), [0f, 1f]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => CamOverlays.Blend([0f, 1f], shape, [0f, 1f], imageWeight: 2));
    }

    [TestMethod]
    public void SaveOverlay_WritesAPngOfTheImageSizeWithTheHeatWhereTheMapIsHigh()
    {
        string dir = TestData.TempDirectory();
        try
        {
            var shape = new ImageShape(3, 8, 10);
            var map = Enumerable.Range(0, 80).Select(i => i % 10 >= 5 ? 1f : 0f).ToArray();
            string path = Path.Combine(dir, "nested", "overlay.png");
            CamOverlays.SaveOverlay(new float[shape.Size], shape, map, path);
            Assert.AreEqual((10, 8), PngAssert.ReadPngSize(path));
            using var bitmap = SKBitmap.Decode(path);
            Assert.IsGreaterThan(200, (int)bitmap.GetPixel(9, 4).Red, "hot half red");
            Assert.IsGreaterThan(100, (int)bitmap.GetPixel(0, 4).Blue, "cold half blue");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
