using MlNetTriplet.Images;
using SkiaSharp;
using static MlNetTriplet.Tests.Images.TestImages;

namespace MlNetTriplet.Tests.Images;

/// <summary>Every kind of file the decoder reads comes out as the RGB PIL's <c>convert("RGB")</c> gives, and every
/// kind of bad file fails with a message naming the file and the reason.</summary>
[TestClass]
public sealed class ImageDecodingTests
{
    private readonly string _dir = TestData.TempDirectory();
    private static readonly ImageShape Shape = new(3, 16, 16);

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    private static void AssertHalves(float[] values, int tolerance, string what)
    {
        AssertColor((255, 0, 0), Pixel(values, Shape, 3, 8), tolerance, what + " left half");
        AssertColor((0, 0, 255), Pixel(values, Shape, 12, 8), tolerance, what + " right half");
    }

    [TestMethod]
    public void Prepare_GreyJpeg_RepeatsTheGreyInEveryChannel()
    {
        string path = Write(_dir, "grey.jpg", 16, 16, (x, _) => new SKColor((byte)(x * 16), (byte)(x * 16), (byte)(x * 16)),
            SKEncodedImageFormat.Jpeg, SKColorType.Gray8, quality: 100);
        var values = Prepare(path, Identity());
        for (int x = 0; x < 16; x++)
        {
            var (r, g, b) = Pixel(values, Shape, x, 5);
            Assert.IsTrue(r == g && g == b, $"column {x}: ({r}, {g}, {b}) is not grey");
            Assert.IsLessThanOrEqualTo(6, Math.Abs(r - x * 16), $"column {x}: {r} vs {x * 16}");
        }
    }

    [TestMethod]
    public void Prepare_AdobeCmykJpeg_GivesTheRgbPilGives() =>
        AssertHalves(Prepare(Fixture("cmyk.jpg"), Identity()), tolerance: 6, "CMYK JPEG");

    [TestMethod]
    public void Prepare_PngWithAlpha_DropsAlphaAndKeepsTheColour()
    {
        string path = Write(_dir, "alpha.png", 16, 16, (x, _) => new SKColor(200, 100, 50, (byte)(x < 8 ? 0 : 128)));
        var values = Prepare(path, Identity());
        AssertColor((200, 100, 50), Pixel(values, Shape, 2, 2), 0, "transparent pixel");
        AssertColor((200, 100, 50), Pixel(values, Shape, 12, 2), 0, "half-transparent pixel");
    }

    [TestMethod]
    public void Prepare_PalettePngWithATransparentEntry_GivesThePaletteColours() =>
        AssertHalves(Prepare(Fixture("palette.png"), Identity()), tolerance: 0, "palette PNG");

    [TestMethod]
    public void Prepare_AnimatedGif_TakesTheFirstFrame() =>
        AssertHalves(Prepare(Fixture("two-frames.gif"), Identity()), tolerance: 0, "GIF (second frame is green)");

    [TestMethod]
    public void Prepare_Bmp_Decodes() => AssertHalves(Prepare(Fixture("halves.bmp"), Identity()), tolerance: 0, "BMP");

    [TestMethod]
    public void Prepare_WebP_Decodes() =>
        AssertHalves(Prepare(WriteHalves(_dir, "halves.webp", format: SKEncodedImageFormat.Webp), Identity()), 12, "WebP");

    [TestMethod]
    public void Prepare_TruncatedJpeg_ThrowsNamingTheFileAndTruncation()
    {
        string path = Write(_dir, "photo.jpg", 64, 64, (x, y) => Smooth(x, y, 64, 64), SKEncodedImageFormat.Jpeg);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Prepare(path, Identity(64)));
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, "truncated");
    }

    [TestMethod]
    public void Prepare_TextFileNamedJpg_ThrowsNamingTheFileAsNotAnImage()
    {
        string path = Path.Combine(_dir, "notes.jpg");
        File.WriteAllText(path, "these are not pixels, just a text file with the wrong name");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Prepare(path, Identity()));
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, "not a JPEG, PNG, GIF, BMP or WebP image");
    }

    [TestMethod]
    public void Prepare_JpegWithDamagedHeader_SaysTheHeaderIsDamaged()
    {
        string path = Path.Combine(_dir, "damaged.jpg");
        File.WriteAllBytes(path, [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', 0x00, 0x01, 0x02]);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Prepare(path, Identity()));
        StringAssert.Contains(e.Message, "header is damaged");
    }

    [TestMethod]
    public void Prepare_MissingFile_ThrowsFileNotFoundNamingIt()
    {
        string path = Path.Combine(_dir, "gone.jpg");
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => Prepare(path, Identity()));
        StringAssert.Contains(e.Message, path);
        Assert.AreEqual(path, e.FileName);
    }

    [TestMethod]
    public void Prepare_EmptyFile_SaysItIsEmpty()
    {
        string path = Path.Combine(_dir, "empty.png");
        File.WriteAllBytes(path, []);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => Prepare(path, Identity())).Message, "empty");
    }

    [TestMethod]
    public void Prepare_ImageUnderTheMinimumSide_IsRejectedWithItsSize()
    {
        string path = Write(_dir, "thin.png", 40, ImageDecoder.MinimumSide - 1, (_, _) => Red);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Prepare(path, Identity()));
        StringAssert.Contains(e.Message, $"40x{ImageDecoder.MinimumSide - 1}");
        StringAssert.Contains(e.Message, $"at least {ImageDecoder.MinimumSide} pixels");
    }
}
