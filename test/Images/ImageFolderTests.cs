using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Images;
using static MlNetTriplet.Tests.Images.TestImages;

namespace MlNetTriplet.Tests.Images;

/// <summary><c>mlContext.Data.LoadFromImageFolder</c>, the train/val finder and the unreadable-file check, on temporary
/// folder trees and on the real Caltech 101 photos.</summary>
[TestClass]
public sealed class ImageFolderTests
{
    private readonly string _dir = TestData.TempDirectory();

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    private string Touch(string relative, bool image = true)
    {
        string path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (image)
            WriteHalves(Path.GetDirectoryName(path)!, Path.GetFileName(path));
        else
            File.WriteAllText(path, "not an image");
        return path;
    }

    private static (string Path, string Label)[] Rows(IDataView data) =>
        data.GetColumn<string>("ImagePath").Zip(data.GetColumn<string>("Label")).ToArray();

    [TestMethod]
    public void Load_ClassFolders_GivesFullPathsAndLabelsInOrdinalOrderAndCountsOtherFiles()
    {
        Touch("bees/b.png");
        Touch("ants/z.JPG");
        Touch("ants/a b.jpeg");
        Touch("ants/nested/a.png");
        Touch("Wasps/w.webp");
        Touch("ants/readme.txt", image: false);
        Touch("ants/.hidden.png");
        Touch(".ipynb_checkpoints/x.png");
        var data = new MLContext().Data.LoadFromImageFolder(_dir, out var summary);

        CollectionAssert.AreEqual(new[]
        {
            (Path.Combine(_dir, "Wasps", "w.webp"), "Wasps"),
            (Path.Combine(_dir, "ants", "a b.jpeg"), "ants"),
            (Path.Combine(_dir, "ants", "z.JPG"), "ants"),
            (Path.Combine(_dir, "ants", "nested", "a.png"), "ants"),   // a folder's own files first, as os.walk
            (Path.Combine(_dir, "bees", "b.png"), "bees"),
        }, Rows(data));
        CollectionAssert.AreEqual(new[] { "Wasps", "ants", "bees" }, summary.Classes.ToArray());
        CollectionAssert.AreEqual(new[] { 1, 3, 1 }, summary.ImagesPerClass.ToArray());
        Assert.AreEqual(1, summary.SkippedFileCount);
        Assert.AreEqual(Path.Combine(_dir, "ants", "readme.txt"), summary.SkippedFiles.Single());
        Assert.AreEqual(5, summary.ImageCount);
        StringAssert.Contains(summary.ToString(), "5 images in 3 classes (Wasps 1, ants 3, bees 1)");
        StringAssert.Contains(summary.ToString(), "1 file skipped");
    }

    [TestMethod]
    public void Load_NotRecursiveWithOwnExtensions_KeepsOnlyThoseFiles()
    {
        Touch("ants/a.png");
        Touch("ants/b.jpg");
        Touch("ants/nested/c.png");
        var data = new MLContext().Data.LoadFromImageFolder(_dir, out var summary, recursive: false, imageExtensions: ["PNG"]);
        CollectionAssert.AreEqual(new[] { (Path.Combine(_dir, "ants", "a.png"), "ants") }, Rows(data));
        Assert.AreEqual(1, summary.SkippedFileCount, "b.jpg");
    }

    [TestMethod]
    public void Load_MissingFolder_ThrowsNamingIt()
    {
        string missing = Path.Combine(_dir, "nowhere");
        StringAssert.Contains(Assert.ThrowsExactly<DirectoryNotFoundException>(
            () => new MLContext().Data.LoadFromImageFolder(missing)).Message, missing);
    }

    [TestMethod]
    public void Load_FolderWithoutClassFolders_SaysOneSubFolderPerClassIsExpected()
    {
        Touch("loose.png");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => new MLContext().Data.LoadFromImageFolder(_dir));
        StringAssert.Contains(e.Message, "no class sub-folders (it holds 1 file directly)");
    }

    [TestMethod]
    public void Load_ClassFoldersWithoutImages_SaysSoAndCountsTheOtherFiles()
    {
        Touch("ants/notes.txt", image: false);
        Directory.CreateDirectory(Path.Combine(_dir, "bees"));
        var e = Assert.ThrowsExactly<InvalidDataException>(() => new MLContext().Data.LoadFromImageFolder(_dir));
        StringAssert.Contains(e.Message, "'ants', 'bees'");
        StringAssert.Contains(e.Message, "no image files");
        StringAssert.Contains(e.Message, "1 other file was skipped");
    }

    [TestMethod]
    public void Load_OneClassFolderWithoutImages_RefusedNamingIt()
    {
        Touch("ants/a.png");
        Directory.CreateDirectory(Path.Combine(_dir, "wasps"));
        var e = Assert.ThrowsExactly<InvalidDataException>(() => new MLContext().Data.LoadFromImageFolder(_dir));
        StringAssert.Contains(e.Message, $"Class folder '{Path.Combine(_dir, "wasps")}'");
        StringAssert.Contains(e.Message, "holds no image file");
    }

    [TestMethod]
    public void Load_CheckImages_LeavesOutUnreadableFilesAndListsWhy()
    {
        Touch("ants/a.png");
        string empty = Path.Combine(_dir, "ants", "empty.jpg");
        File.WriteAllBytes(empty, []);
        Touch("bees/b.png");
        string text = Path.Combine(_dir, "bees", "text.jpg");
        File.WriteAllText(text, "a text file renamed .jpg");
        var data = new MLContext().Data.LoadFromImageFolder(_dir, out var summary, checkImages: true);
        CollectionAssert.AreEqual(new[] { (Path.Combine(_dir, "ants", "a.png"), "ants"), (Path.Combine(_dir, "bees", "b.png"), "bees") },
            Rows(data));
        CollectionAssert.AreEqual(new[] { 1, 1 }, summary.ImagesPerClass.ToArray());
        CollectionAssert.AreEqual(new[] { empty, text }, summary.UnreadableImages.Select(u => u.Path).ToArray());
        StringAssert.Contains(summary.UnreadableImages[0].Reason, "empty");
        StringAssert.Contains(summary.ToString(), "2 unreadable images left out");
        // Without the check the loader lists every file; the trainers check what they train on.
        Assert.HasCount(4, Rows(new MLContext().Data.LoadFromImageFolder(_dir)));
    }

    [TestMethod]
    public void Load_CheckImagesWhenAClassHasNoReadableImage_RefusedNamingTheClassAndItsFiles()
    {
        Touch("ants/a.png");
        Touch("ants/b.png");
        string truncated = Path.Combine(_dir, "bees", "truncated.png");
        Touch("bees/truncated.png");
        File.WriteAllBytes(truncated, File.ReadAllBytes(truncated)[..40]);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => new MLContext().Data.LoadFromImageFolder(_dir, out _, checkImages: true));
        StringAssert.Contains(e.Message, $"Class folder '{Path.Combine(_dir, "bees")}'");
        StringAssert.Contains(e.Message, "no readable image");
        StringAssert.Contains(e.Message, truncated);
    }

    [TestMethod]
    public void Load_EmptyExtension_IsRejected() =>
        Assert.ThrowsExactly<ArgumentException>(() => new MLContext().Data.LoadFromImageFolder(_dir, out _, imageExtensions: ["."]));

    [TestMethod]
    public void Load_Caltech101_GivesTwentyTrainingAndTenValidationPhotosPerClass()
    {
        var splits = ImageFolderSplits.Find(Caltech101);
        Assert.AreEqual(Path.Combine(Caltech101, "train"), splits.Train);
        Assert.AreEqual(Path.Combine(Caltech101, "val"), splits.Validation);
        var ml = new MLContext();
        var train = ml.Data.LoadFromImageFolder(splits.Train, out var summary);
        CollectionAssert.AreEqual(new[] { "ant", "butterfly", "dragonfly", "pizza", "starfish", "sunflower" }, summary.Classes.ToArray());
        CollectionAssert.AreEqual(Enumerable.Repeat(20, 6).ToArray(), summary.ImagesPerClass.ToArray());
        Assert.AreEqual(0, summary.SkippedFileCount);
        var paths = train.GetColumn<string>("ImagePath").ToList();
        Assert.AreEqual(Path.Combine(splits.Train, "ant", "image_0001.jpg"), paths[0]);
        Assert.AreEqual(Path.Combine(splits.Train, "sunflower", "image_0020.jpg"), paths[^1]);
        ml.Data.LoadFromImageFolder(splits.Validation, out var validation);
        CollectionAssert.AreEqual(Enumerable.Repeat(10, 6).ToArray(), validation.ImagesPerClass.ToArray());
    }

    [TestMethod]
    public void FindUnreadable_Caltech101_EveryPhotoIsReadableGreyOnesIncluded()
    {
        var paths = Directory.GetFiles(Caltech101, "*.jpg", SearchOption.AllDirectories);
        Assert.HasCount(180, paths);
        Assert.IsEmpty(ImageFileCheck.FindUnreadable(paths, ImageWorkers.Alone));
    }

    [TestMethod]
    public void FindUnreadable_MixedFiles_ListsEachBadOneInRowOrderWithItsReason()
    {
        string good = Touch("a/good.png");
        string text = Touch("a/text.jpg", image: false);
        string tiny = Write(_dir, "tiny.png", 4, 4, (_, _) => Red);
        string truncated = Write(_dir, "cut.jpg", 64, 64, (x, y) => Smooth(x, y, 64, 64), SkiaSharp.SKEncodedImageFormat.Jpeg);
        File.WriteAllBytes(truncated, File.ReadAllBytes(truncated)[..300]);
        string missing = Path.Combine(_dir, "missing.png");
        var bad = ImageFileCheck.FindUnreadable([good, text, tiny, truncated, missing, good], workers: 3);
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4 }, bad.Select(b => b.Row).ToArray());
        CollectionAssert.AreEqual(new[] { text, tiny, truncated, missing }, bad.Select(b => b.Path).ToArray());
        StringAssert.Contains(bad[0].Reason, "not a JPEG");
        StringAssert.Contains(bad[1].Reason, "4x4");
        StringAssert.Contains(bad[2].Reason, "truncated");
        StringAssert.Contains(bad[3].Reason, "does not exist");
    }

    [TestMethod]
    public void Run_SkippingLeavesAClassEmpty_ThrowsNamingTheClassAndItsFiles()
    {
        string ant = Touch("a/ant.png"), bee = Touch("b/bee.png", image: false);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ImageFileCheck.Run(new ImageFileRows([ant, bee], [0, 1]),
            skipUnreadable: true, "Skip", 1, k => k == 0 ? "'ants'" : "'bees'"));
        StringAssert.Contains(e.Message, "Every image of class 'bees' is unreadable");
        StringAssert.Contains(e.Message, bee);
    }

    [TestMethod]
    public void Run_EveryFileUnreadable_ThrowsEvenWhenSkipping()
    {
        string text = Touch("a/text.png", image: false);
        var e = Assert.ThrowsExactly<InvalidDataException>(
            () => ImageFileCheck.Run(new ImageFileRows([text], [0]), skipUnreadable: true, "Skip", 1));
        StringAssert.Contains(e.Message, "1 of 1 images cannot be read");
        StringAssert.Contains(e.Message, "Nothing is left to train on");
    }

    [TestMethod]
    public void FindSplits_TestFolderInsteadOfVal_IsTakenAndMissingTrainIsExplained()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "Train"));
        Directory.CreateDirectory(Path.Combine(_dir, "test"));
        var splits = ImageFolderSplits.Find(_dir);
        Assert.AreEqual((Path.Combine(_dir, "Train"), Path.Combine(_dir, "test")), (splits.Train, splits.Validation));

        Directory.Delete(Path.Combine(_dir, "Train"));
        var e = Assert.ThrowsExactly<DirectoryNotFoundException>(() => ImageFolderSplits.Find(_dir));
        StringAssert.Contains(e.Message, "no 'train' folder (it holds folders 'test')");
    }
}
