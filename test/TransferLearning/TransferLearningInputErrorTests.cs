using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Tests.Images;
using SkiaSharp;
using TorchSharp;
using TorchSharp.PyBridge;

namespace MlNetTriplet.Tests.TransferLearning;

/// <summary>Bad photos, columns, labels and weights fail with a message naming what is wrong, before any training
/// step; odd but readable photos (grey, CMYK, PNG with alpha) train like any other.</summary>
[TestClass]
public sealed class TransferLearningInputErrorTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void MakeDirectory(TestContext _) => _dir = TestData.TempDirectory();

    [ClassCleanup]
    public static void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    /// <summary>Ten real photos (one or two of each class) plus <paramref name="extra"/> (path, label) rows.</summary>
    private static IDataView Photos(MLContext ml, params (string Path, string Label)[] extra)
    {
        var rows = CaltechPhotos.List(ml, "train", every: 12);
        rows.AddRange(extra.Select(e => new CaltechPhotos.Photo { ImagePath = e.Path, Label = e.Label }));
        return ml.Data.LoadFromEnumerable(rows);
    }

    /// <summary>Fits a frozen-backbone pipeline, recording every progress report; returns what it threw, or null.</summary>
    private static (Exception? Error, List<TrainingProgress> Progress, TransferLearningTransformer? Model) Fit(
        IDataView data, Action<TransferLearningTrainer.Options>? change = null, IDataView? validation = null)
    {
        var ml = new MLContext(seed: 1);
        var progress = new List<TrainingProgress>();
        var options = new TransferLearningTrainer.Options { NumberOfEpochs = 2, Seed = 1, ProgressCallback = progress.Add };
        change?.Invoke(options);
        var keys = CaltechPhotos.Keys(ml, data);
        try
        {
            var model = ml.MulticlassClassification.Trainers.TransferLearning(options)
                .Fit(keys.Transform(data), validation is null ? null : keys.Transform(validation));
            return (null, progress, model);
        }
        catch (Exception e)
        {
            return (e, progress, null);
        }
    }

    private static void AssertFailedBeforeTraining((Exception? Error, List<TrainingProgress> Progress, TransferLearningTransformer? Model) fit,
        params string[] parts)
    {
        Assert.IsNotNull(fit.Error, "expected an exception");
        foreach (string part in parts)
            StringAssert.Contains(fit.Error.Message, part);
        Assert.IsFalse(fit.Progress.Any(p => p.Phase == TrainingPhase.Training), "no training step ran");
    }

    [TestMethod]
    public void Fit_WithAMissingPhotoFile_NamesTheFileBeforeTraining()
    {
        string missing = Path.Combine(_dir, "no-such-ant.jpg");
        AssertFailedBeforeTraining(Fit(Photos(new MLContext(), (missing, "ant"))), "no-such-ant.jpg", "SkipUnreadableImages");
    }

    [TestMethod]
    public void Fit_WithACorruptJpeg_NamesIt_AndSkippingLeavesItOut()
    {
        string good = TestImages.Write(_dir, "whole.jpg", 300, 200, (x, y) => TestImages.Smooth(x, y, 300, 200),
            SKEncodedImageFormat.Jpeg);
        string corrupt = Path.Combine(_dir, "truncated-pizza.jpg");
        var bytes = File.ReadAllBytes(good);
        File.WriteAllBytes(corrupt, bytes[..(bytes.Length / 2)]);
        var data = Photos(new MLContext(), (corrupt, "pizza"));
        AssertFailedBeforeTraining(Fit(data), "truncated-pizza.jpg");

        var skipped = Fit(data, o => o.SkipUnreadableImages = true);
        Assert.IsNull(skipped.Error, skipped.Error?.ToString());
        using var model = skipped.Model!;
        Assert.AreEqual(1, model.SkippedImageCount);
    }

    [TestMethod]
    public void Fit_SkippingUnreadable_WhenEveryPhotoOfAClassIsUnreadable_NamesTheClassBeforeTraining()
    {
        string good = TestImages.Write(_dir, "whole-wasp.jpg", 300, 200, (x, y) => TestImages.Smooth(x, y, 300, 200),
            SKEncodedImageFormat.Jpeg);
        string truncated = Path.Combine(_dir, "truncated-wasp.jpg");
        var bytes = File.ReadAllBytes(good);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        string text = Path.Combine(_dir, "notes-wasp.jpg");
        File.WriteAllText(text, "not a photo");
        // Six classes with readable photos and a seventh, 'wasp', whose two photos are unreadable: skipping them
        // would train a seven-class model on six.
        var fit = Fit(Photos(new MLContext(), (truncated, "wasp"), (text, "wasp")), o => o.SkipUnreadableImages = true);
        AssertFailedBeforeTraining(fit, "class 'wasp'", "truncated-wasp.jpg", "notes-wasp.jpg");
    }

    [TestMethod]
    public void Fit_WithValidationLabelsKeyedSeparately_NamesTheKeysThatDifferBeforeTraining()
    {
        var ml = new MLContext(seed: 1);
        var train = Photos(ml);
        var validRows = CaltechPhotos.List(ml, "val", every: 5);
        foreach (var row in validRows.Where(r => r.Label == "ant"))
            row.Label = "wasp";   // as many classes as training, one other name: key 1 is 'butterfly' there
        var valid = ml.Data.LoadFromEnumerable(validRows);
        var progress = new List<TrainingProgress>();
        var trainer = ml.MulticlassClassification.Trainers.TransferLearning(
            new TransferLearningTrainer.Options { NumberOfEpochs = 1, ProgressCallback = progress.Add });
        var e = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(CaltechPhotos.Keys(ml, train).Transform(train),
            CaltechPhotos.Keys(ml, valid).Transform(valid)));
        StringAssert.Contains(e.Message, "keyed differently");
        StringAssert.Contains(e.Message, "key 1 is 'butterfly' in validation but 'ant' in training");
        Assert.IsFalse(progress.Any(p => p.Phase == TrainingPhase.Training), "no training step ran");
    }

    [TestMethod]
    public void Fit_WithATinyImage_SaysHowSmallAndTheMinimum()
    {
        string tiny = TestImages.Write(_dir, "tiny-ant.png", 5, 4, (_, _) => TestImages.Red);
        AssertFailedBeforeTraining(Fit(Photos(new MLContext(), (tiny, "ant"))), "tiny-ant.png", "5x4");
    }

    [TestMethod]
    public void Fit_WithGreyCmykAndTransparentPhotos_TrainsLikeAnyOther()
    {
        string grey = TestImages.Write(_dir, "grey.jpg", 320, 240, (x, y) => TestImages.Smooth(x, y, 320, 240),
            SKEncodedImageFormat.Jpeg, SKColorType.Gray8);
        string alpha = TestImages.Write(_dir, "alpha.png", 200, 260,
            (x, y) => TestImages.Smooth(x, y, 200, 260).WithAlpha((byte)(x % 256)));
        var data = Photos(new MLContext(), (grey, "ant"), (TestImages.Fixture("cmyk.jpg"), "pizza"), (alpha, "starfish"));
        var fit = Fit(data);
        Assert.IsNull(fit.Error, fit.Error?.ToString());
        using var model = fit.Model!;
        Assert.AreEqual(data.GetRowCount(), model.History!.Epochs[0].Examples);
        Assert.AreEqual(0, model.SkippedImageCount);
    }

    [TestMethod]
    public void Fit_WithWeightsForAnotherArchitecture_ListsTheMisfitBeforeTraining()
    {
        string path = Path.Combine(_dir, "resnet18.safetensors");
        using (var resnet18 = torchvision.models.resnet18())
            resnet18.save_safetensors(path);
        var fit = Fit(Photos(new MLContext()), o => o.Backbone = PretrainedBackbone.FromFile(BackboneArchitecture.ResNet50, path));
        AssertFailedBeforeTraining(fit, "resnet18.safetensors", "missing");
    }

    [TestMethod]
    public void Fit_WithYourOwnTorchVisionWeights_Trains()
    {
        string path = Path.Combine(_dir, "own-resnet18.safetensors");
        using (var resnet18 = torchvision.models.resnet18())
            resnet18.save_safetensors(path);
        var fit = Fit(Photos(new MLContext()), o => o.Backbone = PretrainedBackbone.FromFile(BackboneArchitecture.ResNet18, path));
        Assert.IsNull(fit.Error, fit.Error?.ToString());
        using var model = fit.Model!;
        Assert.AreEqual(BackboneArchitecture.ResNet18, model.Architecture);
    }

    [TestMethod]
    public void ResNet18ImageNet_WithoutTheFeaturizerPackage_SaysWhatToAdd()
    {
        var e = Assert.ThrowsExactly<FileNotFoundException>(() =>
            PretrainedBackbone.ResNet18ImageNet(Path.Combine(_dir, "ResNet18.onnx")));
        StringAssert.Contains(e.Message, "Microsoft.ML.DnnImageFeaturizer.ResNet18");
    }

    [TestMethod]
    public void Fit_WithOneClass_AMissingColumn_OrAWrongColumnType_ThrowsNamingIt()
    {
        var ml = new MLContext();
        var ants = ml.Data.LoadFromEnumerable(CaltechPhotos.List(ml, "train", every: 12).Where(p => p.Label == "ant"));
        AssertFailedBeforeTraining(Fit(ants), "at least two", "'Label'");
        AssertFailedBeforeTraining(Fit(Photos(ml), o => o.ImageColumnName = "Picture"), "Could not find image column 'Picture'");
        var numbers = ml.Data.LoadFromEnumerable(new[] { new NumberRow { ImagePath = 1, Label = "ants" }, new NumberRow { ImagePath = 2, Label = "bees" } });
        AssertFailedBeforeTraining(Fit(numbers), "image column 'ImagePath'", "Text (image file paths)");
    }

    [TestMethod]
    public void Fit_WithValidationLabelsUnseenInTraining_NamesThem()
    {
        var ml = new MLContext();
        var validation = ml.Data.LoadFromEnumerable(CaltechPhotos.List(ml, "val", every: 20)
            .Select((p, i) => i == 0 ? new CaltechPhotos.Photo { ImagePath = p.ImagePath, Label = "wasps" } : p));
        var train = Photos(ml);
        var keys = CaltechPhotos.Keys(ml, ml.Data.LoadFromEnumerable(
            ml.Data.CreateEnumerable<CaltechPhotos.Photo>(train, false).Concat(ml.Data.CreateEnumerable<CaltechPhotos.Photo>(validation, false))));
        var trainer = ml.MulticlassClassification.Trainers.TransferLearning(new TransferLearningTrainer.Options { NumberOfEpochs = 1 });
        var e = Expect.AnyException(() => trainer.Fit(keys.Transform(train), keys.Transform(validation)));
        StringAssert.Contains(e.Message, "unseen in the training data");
        StringAssert.Contains(e.Message, "'wasps'");
    }

    [TestMethod]
    public void Fit_WithMoreFineTuneBlocksThanTheBackboneHas_ListsItsBlocks()
    {
        var fit = Fit(Photos(new MLContext()), o => (o.Mode, o.FineTuneBlocks) = (TransferMode.FineTuneLastBlocks, 9));
        AssertFailedBeforeTraining(fit, "FineTuneBlocks is 9", "stem, layer1, layer2, layer3, layer4");
    }

    [TestMethod]
    public void Options_OutOfRange_ThrowNamingTheOption()
    {
        var catalog = new MLContext().MulticlassClassification.Trainers;
        StringAssert.Contains(Expect.AnyException(() => catalog.TransferLearning(
            new TransferLearningTrainer.Options { BackboneLearningRateFactor = 2 })).Message, "BackboneLearningRateFactor");
        StringAssert.Contains(Expect.AnyException(() => catalog.TransferLearning(
            new TransferLearningTrainer.Options { HeadDropout = 1 })).Message, "HeadDropout");
        StringAssert.Contains(Expect.AnyException(() => catalog.TransferLearning(
            new TransferLearningTrainer.Options { Augmentation = new ImageAugmentation { MinimumScale = 0 } })).Message, "MinimumScale");
    }

    [TestMethod]
    public void Transform_OfAMissingPhoto_NamesTheFileAndTheRow()
    {
        var ml = new MLContext();
        var fit = Fit(Photos(ml));
        using var model = fit.Model!;
        var data = ml.Data.LoadFromEnumerable(new[] { new CaltechPhotos.Photo { ImagePath = Path.Combine(_dir, "gone.jpg"), Label = "ant" } });
        var e = Expect.AnyException(() => model.Transform(data).GetColumn<float[]>("Score").ToArray());
        StringAssert.Contains(e.Message, "gone.jpg");
    }

    private sealed class NumberRow
    {
        public float ImagePath { get; set; }
        public string Label { get; set; } = "";
    }
}
