using System.Security.Cryptography;
using MlNetTriplet.Images;
using SkiaSharp;
using static MlNetTriplet.Tests.Images.TestImages;

namespace MlNetTriplet.Tests.Images;

/// <summary>Resize of the shorter side then centre crop, as torchvision evaluates (Pillow's antialiased bilinear).</summary>
[TestClass]
public sealed class ImageGeometryTests
{
    private readonly string _dir = TestData.TempDirectory();
    private static readonly ImagePreparation Small = new(new ImageGeometry(new ImageShape(3, 100, 100), 100));

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    [TestMethod]
    public void Coefficients_HalvingFourPixels_AreTheTriangleWeightsPillowUses()
    {
        int[] bounds = [], weights = [];
        int kernel = PilResampler.Coefficients(4, 0, 4, 2, 0, 2, ref bounds, ref weights);
        // Scale 2 widens the triangle to a support of 2: taps at distances 0.25, 0.25, 0.75 (in units of 2) weigh
        // 3/4, 3/4, 1/4, normalised to 3/7, 3/7, 1/7, in 22-bit fixed point.
        CollectionAssert.AreEqual(new[] { 0, 3, 1, 3 }, bounds[..4]);
        CollectionAssert.AreEqual(new[] { 1797559, 1797559, 599186 }, weights[..3]);
        CollectionAssert.AreEqual(new[] { 599186, 1797559, 1797559 }, weights[kernel..(kernel + 3)]);
    }

    [TestMethod]
    public void Prepare_LandscapeImage_ResizesTheShorterSideAndCropsTheCentre()
    {
        // 400 x 200: red left of x = 150, blue right of it. Resized to 200 x 100, the centre crop keeps x in [50, 150)
        // of the resized image = [100, 300) of the original, so the edge lands at crop column (150 - 100) / 2 = 25.
        string path = Write(_dir, "wide.png", 400, 200, (x, _) => x < 150 ? Red : Blue);
        var values = Prepare(path, Small);
        AssertColor((255, 0, 0), Pixel(values, Small.Shape, 23, 50), 0, "left of the edge");
        AssertColor((0, 0, 255), Pixel(values, Small.Shape, 27, 50), 0, "right of the edge");
        var (r, _, b) = Pixel(values, Small.Shape, 25, 50);
        Assert.IsTrue(r is > 0 and < 255 && b is > 0 and < 255, $"the edge pixel blends ({r}, {b})");
    }

    [TestMethod]
    public void Prepare_PortraitImage_CropsTheVerticalCentre()
    {
        string path = Write(_dir, "tall.png", 200, 400, (_, y) => y < 250 ? Red : Blue);   // edge at crop row 75
        var values = Prepare(path, Small);
        AssertColor((255, 0, 0), Pixel(values, Small.Shape, 50, 73), 0, "above the edge");
        AssertColor((0, 0, 255), Pixel(values, Small.Shape, 50, 77), 0, "below the edge");
    }

    [TestMethod]
    public void Prepare_ConstantImageOfOddSize_StaysExactlyConstant()
    {
        string path = Write(_dir, "flat.png", 333, 500, (_, _) => new SKColor(10, 200, 30));
        var values = Prepare(path, Small);
        for (int i = 0; i < 100 * 100; i++)
            Assert.AreEqual((10, 200, 30), Pixel(values, Small.Shape, i % 100, i / 100));
    }

    [TestMethod]
    public void Prepare_OneChannelShape_GivesPilsLuma()
    {
        string path = Write(_dir, "colour.png", 120, 100, (_, _) => new SKColor(100, 150, 200));
        var values = Prepare(path, new ImagePreparation(new ImageGeometry(new ImageShape(1, 100, 100), 100)));
        Assert.AreEqual(100 * 100, values.Length);
        Assert.IsTrue(values.All(v => Byte(v) == 141), "(19595 R + 38470 G + 7471 B + 2^15) >> 16 = 141");
    }

    /// <summary>SHA-256 of torchvision's uint8 crops (Resize(256), CenterCrop(224), ToTensor x 255), computed with
    /// bench/torchvision_preprocess.py --out on Debian's torchvision 0.14 / Pillow 9.4: a plain JPEG, a greyscale one
    /// (one component), a 300 x 103 panorama and a 159 x 300 portrait (both scaled up, the short side to 256).</summary>
    [TestMethod]
    [DataRow("train/butterfly/image_0001.jpg", "a5a8d13a36ad2ebd3abda04af4ef3cf490097289c11c39e6aa9e298f2bf33bb4")]
    [DataRow("train/ant/image_0005.jpg", "928af5f8569f1a2bdadc6f9cb0a3ed78f89c695f192088b81738ec245d29f2ab")]
    [DataRow("train/ant/image_0009.jpg", "7df43db801e321e71e929d5b1006860db15c464fab9aea39521564fcf4e52c30")]
    [DataRow("train/sunflower/image_0004.jpg", "a8b6c909117e592da46e1435e6a1076268282ccb164aa6e0f9968085e3c15b41")]
    public void Prepare_Caltech101Photo_EqualsTorchvisionBitForBit(string file, string sha256)
    {
        var values = Prepare(Path.Combine(Caltech101, file), new ImagePreparation(ImageGeometry.ImageNet));
        var bytes = values.Select(v => (byte)Byte(v)).ToArray();
        Assert.IsTrue(values.All(v => v * 255 - Byte(v) is > -1e-3f and < 1e-3f), "values are bytes / 255");
        Assert.AreEqual(sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    [TestMethod]
    public void Prepare_BigJpeg_ScaledDecodingStaysCloseToTheFullDecode()
    {
        string path = Write(_dir, "big.jpg", 2400, 1800, (x, y) => Smooth(x, y, 2400, 1800), SKEncodedImageFormat.Jpeg);
        var full = Prepare(path, new ImagePreparation(ImageGeometry.ImageNet, ScaledDecoding: false));
        var scaled = Prepare(path, new ImagePreparation(ImageGeometry.ImageNet));
        var differences = full.Zip(scaled, (a, b) => Math.Abs(a - b)).ToArray();
        Assert.IsLessThanOrEqualTo(3 / 255.0, differences.Max(), "max abs difference");
        Assert.IsLessThanOrEqualTo(0.5 / 255, differences.Average(), "mean abs difference");
        Assert.IsTrue(differences.Any(d => d > 0), "the scaled path was taken (1800 px >= 2 x 2 x 256)");
    }

    [TestMethod]
    public void Validate_CropLargerThanTheResize_NamesTheOptionAndTheMinimum()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => new ImageGeometry(new ImageShape(3, 224, 224), 200).Validate("Preprocessing"));
        StringAssert.Contains(e.Message, "Preprocessing");
        StringAssert.Contains(e.Message, "at least 224");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => new ImageGeometry(new ImageShape(2, 8, 8), 8).Validate("Shape")).Message, "1 (grey) or 3 (RGB)");
    }
}
