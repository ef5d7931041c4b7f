using Microsoft.ML;
using MlNetTriplet.Tests.TransferLearning;

namespace MlNetTriplet.Tests.Embeddings;

/// <summary>Bad photo data and options that cannot work on photos fail before any photo goes through the backbone,
/// with messages that say what was expected.</summary>
[TestClass]
public sealed class PhotoEmbeddingInputErrorTests
{
    private static readonly MLContext Ml = new(seed: 1);

    /// <summary>The training photos keyed over the six classes, keeping those <paramref name="keep"/> passes.</summary>
    private static IDataView Photos(Func<CaltechPhotos.Photo, bool>? keep = null)
    {
        var all = CaltechPhotos.List(Ml, "train", every: 2);
        var keys = CaltechPhotos.Keys(Ml, Ml.Data.LoadFromEnumerable(all));
        return keys.Transform(Ml.Data.LoadFromEnumerable(all.Where(keep ?? (_ => true)).ToList()));
    }

    /// <summary>Fits and returns what it threw, failing the test if any photo reached the backbone first.</summary>
    private static Exception Fit(IDataView data, Action<TripletEmbeddingOptions> change, IDataView? validation = null)
    {
        var phases = new List<TrainingPhase>();
        var e = Expect.AnyException(() => Ml.Transforms.TripletEmbedding(PhotoEmbeddingTests.Options(o =>
        {
            o.ProgressCallback = p => phases.Add(p.Phase);
            change(o);
        })).Fit(data, validation));
        Assert.IsEmpty(phases, $"no photo reaches the backbone before the error: {e.Message}");
        return e;
    }

    [TestMethod]
    public void Fit_PhotosOfOneClass_FailsNamingTheLabelColumn()
    {
        var e = Fit(Photos(p => p.Label == "ant"), _ => { });
        StringAssert.Contains(e.Message, "Training data has 1 class(es) in label column 'Label'");
    }

    [TestMethod]
    public void Fit_MoreClassesPerBatchThanThePhotosHave_FailsSayingHowMany()
    {
        var e = Fit(Photos(), o => o.ClassesPerBatch = 8);
        StringAssert.Contains(e.Message, "ClassesPerBatch is 8 but label column 'Label' has only 6 classes");
        var small = Fit(Photos(), o => o.SamplesPerClass = 20);
        StringAssert.Contains(small.Message, "6 x 20 = 120 rows is larger than the 60 rows available");
    }

    [TestMethod]
    public void Fit_ValidationPhotosOfOneClass_Fail()
    {
        var e = Fit(Photos(), _ => { }, validation: Photos(p => p.Label == "pizza"));
        StringAssert.Contains(e.Message, "Validation data has 1 class(es)");
    }

    [TestMethod]
    public void Fit_PhotoColumnOfTheWrongType_FailsNamingWhatItTakes()
    {
        var numbers = Ml.Transforms.CustomMapping<PathOnly, Numbers>((_, n) => n.Pixels = new float[12], null)
            .Fit(Photos()).Transform(Photos());
        var e = Fit(numbers, o =>
        {
            o.FeatureColumnName = "Pixels";
            o.Backbone = PretrainedBackbone.ResNet18ImageNet();
        });
        StringAssert.Contains(e.Message, "'Pixels'");
        StringAssert.Contains(e.Message, "Text (image file paths), Image (mlContext.Transforms.LoadImages) or Vector<Single, 150528>");
    }

    [TestMethod]
    public void Fit_PhotoPathsWithANetworkForVectors_IsRefused()
    {
        var e = Fit(Photos(), o => o.Mlp = new MlpArchitecture());
        StringAssert.Contains(e.Message, "holds photos");
        StringAssert.Contains(e.Message, "Mlp builds a network for vectors");
    }

    [TestMethod]
    public void Fit_LoadImagesColumnInClassBalancedBatchesWhileTheBackboneTrains_IsRefused()
    {
        var images = Ml.Transforms.LoadImages("Image", null, "ImagePath").Fit(Photos()).Transform(Photos());
        var e = Fit(images, o =>
        {
            o.FeatureColumnName = "Image";
            o.BackboneMode = TransferMode.FineTuneAll;
        });
        StringAssert.Contains(e.Message, "Sampling ClassBalanced picks photos by class");
        StringAssert.Contains(e.Message, "can only be read in order");
    }

    [TestMethod]
    public void Fit_ValidationKeyedDifferently_IsRefused()
    {
        var validation = Ml.Transforms.Conversion.MapValueToKey("Label")
            .Fit(Ml.Data.LoadFromEnumerable(CaltechPhotos.List(Ml, "val", every: 5).OrderByDescending(p => p.Label).ToList()));
        var e = Fit(Photos(), _ => { }, validation.Transform(CaltechPhotos.Load(Ml, "val", every: 5)));
        StringAssert.Contains(e.Message, "keyed differently");
    }

    private sealed class PathOnly
    {
        public string ImagePath { get; set; } = "";
    }

    private sealed class Numbers
    {
        [Microsoft.ML.Data.VectorType(12)] public float[] Pixels { get; set; } = [];
    }
}
