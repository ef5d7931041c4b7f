using MlNetTriplet.Images;
using static MlNetTriplet.Tests.Images.TestImages;

namespace MlNetTriplet.Tests.Images;

/// <summary>Random resized crop and flip: torchvision's algorithm, seeded by (seed, epoch, row) only.</summary>
[TestClass]
public sealed class ImageAugmentationTests
{
    private readonly string _dir = TestData.TempDirectory();
    private static readonly ImageGeometry Geometry = new(new ImageShape(3, 32, 32), 32);

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    private string Photo() => Write(_dir, "photo.png", 120, 90, (x, y) => Smooth(x, y, 120, 90));

    private static ImagePreparation Augmented(long seed = 7, ImageAugmentation? augmentation = null) =>
        new(Geometry, augmentation ?? ImageAugmentation.Default, seed);

    [TestMethod]
    public void Prepare_SameSeedEpochAndRow_GivesTheSamePixels()
    {
        string path = Photo();
        CollectionAssert.AreEqual(Prepare(path, Augmented(), epoch: 3, row: 11), Prepare(path, Augmented(), epoch: 3, row: 11));
    }

    [TestMethod]
    public void Prepare_OtherEpochRowOrSeed_GivesOtherPixels()
    {
        string path = Photo();
        var reference = Prepare(path, Augmented(), epoch: 3, row: 11);
        CollectionAssert.AreNotEqual(reference, Prepare(path, Augmented(), epoch: 4, row: 11), "next epoch");
        CollectionAssert.AreNotEqual(reference, Prepare(path, Augmented(), epoch: 3, row: 12), "next row");
        CollectionAssert.AreNotEqual(reference, Prepare(path, Augmented(seed: 8), epoch: 3, row: 11), "other seed");
    }

    [TestMethod]
    public void Prepare_FlipAlways_MirrorsTheEvaluationImage()
    {
        string path = Photo();
        var plain = Prepare(path, new ImagePreparation(Geometry));
        var flipped = Prepare(path, Augmented(augmentation: new ImageAugmentation { RandomResizedCrop = false, HorizontalFlipProbability = 1 }));
        for (int y = 0; y < 32; y++)
        for (int x = 0; x < 32; x++)
            Assert.AreEqual(Pixel(plain, Geometry.Shape, x, y), Pixel(flipped, Geometry.Shape, 31 - x, y));
    }

    [TestMethod]
    public void Draw_ManyRows_CropsWithinTheScaleAndRatioRanges()
    {
        var augmentation = ImageAugmentation.Default;
        int flips = 0;
        for (int row = 0; row < 2000; row++)
        {
            var random = new RowRandom(1, 0, row);
            var plan = augmentation.Draw(500, 375, Geometry, ref random);
            var crop = plan.Region;
            Assert.IsTrue(crop.X >= 0 && crop.Y >= 0 && crop.X + crop.Width <= 500 && crop.Y + crop.Height <= 375, $"{crop} inside");
            double share = (double)crop.Width * crop.Height / (500 * 375), ratio = (double)crop.Width / crop.Height;
            Assert.IsTrue(share is > 0.07 and <= 1.0, $"area share {share}");
            Assert.IsTrue(ratio is > 0.74 and < 1.35, $"aspect ratio {ratio}");
            Assert.AreEqual((32, 32), (plan.OutputWidth, plan.OutputHeight));
            flips += plan.Flip ? 1 : 0;
        }
        Assert.IsTrue(flips is > 900 and < 1100, $"{flips} flips of 2000 at p = 0.5");
    }

    [TestMethod]
    public void Draw_NoCropFitsInTenTries_FallsBackToTheCentreCropOfTheRatioRange()
    {
        // A 2:1 image and square crops of the whole area never fit: torchvision then crops the centre, height kept
        // and width = height x the largest ratio.
        var augmentation = new ImageAugmentation { MinimumScale = 1, MinimumAspectRatio = 1, MaximumAspectRatio = 1 };
        var random = new RowRandom(0, 0, 0);
        Assert.AreEqual(new PixelRect(100, 0, 200, 200), augmentation.Draw(400, 200, Geometry, ref random).Region);
    }

    [TestMethod]
    public void Default_IsTorchvisionsRecipe()
    {
        var d = ImageAugmentation.Default;
        Assert.AreEqual(new ImageAugmentation(), d);
        Assert.AreEqual((true, 0.08, 1.0, 0.75, 4.0 / 3, 0.5),
            (d.RandomResizedCrop, d.MinimumScale, d.MaximumScale, d.MinimumAspectRatio, d.MaximumAspectRatio, d.HorizontalFlipProbability));
        d.Validate(new MlNetTriplet.Checks.OptionChecks("ImageAugmentation.Default"));
    }
}
