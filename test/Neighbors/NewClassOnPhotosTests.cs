using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Tests.TransferLearning;

namespace MlNetTriplet.Tests.Neighbors;

/// <summary>A class added without retraining, on real photos: the pretrained ImageNet ResNet-18's pooled features of
/// the repository's Caltech 101 photos, a gallery of five classes, then the sixth class's training photos added with
/// <see cref="NearestNeighborsTransformer.AddToGallery"/>.</summary>
[TestClass]
public sealed class NewClassOnPhotosTests
{
    private const int Dims = 512;
    private static readonly MLContext Ml = new(seed: 1);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void AddToGallery_TheSixthClassesTrainingPhotos_MakeItsValidationPhotosRecognised()
    {
        string added = CaltechPhotos.Classes[^1];
        var train = Features("train");
        var valid = Features("val");
        var gallery = Keyed(train.Where(r => r.Label != added));
        var classifier = Ml.MulticlassClassification.Trainers.NearestNeighbors(new NearestNeighborsOptions
        {
            NeighborCount = 5, Distance = DistanceMetric.Cosine,
        }).Fit(gallery);

        // The new class's photos, keyed by a MapValueToKey of their own: labels are matched by value.
        var grown = classifier.AddToGallery(Keyed(train.Where(r => r.Label == added)));

        var validation = Galleries.Load(Ml, valid, Dims);
        var before = Predicted(classifier, validation);
        var after = Predicted(grown, validation);
        double Accuracy(string[] predicted, Func<string, bool> which)
        {
            var rows = valid.Select((r, i) => (r.Label, Predicted: predicted[i])).Where(p => which(p.Label)).ToList();
            return rows.Count(p => p.Label == p.Predicted) / (double)rows.Count;
        }
        double newClass = Accuracy(after, l => l == added), others = Accuracy(after, l => l != added);
        TestContext.WriteLine($"'{added}' validation photos recognised after adding its {train.Count(r => r.Label == added)} training photos: {newClass:F2}; the five other classes: {others:F2} (before: {Accuracy(before, l => l != added):F2})");
        CollectionAssert.AreEqual(CaltechPhotos.Classes, grown.ClassNames.ToArray());
        Assert.IsFalse(before.Contains(added), "the class is unknown before it is added");
        Assert.IsGreaterThanOrEqualTo(0.7, newClass, $"'{added}' accuracy {newClass:F2}");
        Assert.IsGreaterThanOrEqualTo(0.7, others, $"accuracy on the five other classes {others:F2}");
    }

    /// <summary>Every photo of a split with the backbone's pooled features. The backbone is frozen, so these are the
    /// pretrained ImageNet features whatever the head learnt in its one short epoch.</summary>
    private static List<Galleries.Row> Features(string split)
    {
        var photos = CaltechPhotos.List(Ml, split, every: 1);
        var pooled = Backbone.Value.Transform(Keys.Value.Transform(Ml.Data.LoadFromEnumerable(photos)))
            .GetColumn<float[]>("Pooled").ToArray();
        return photos.Select((p, i) => new Galleries.Row { Features = pooled[i], Label = p.Label, Id = i }).ToList();
    }

    private static readonly Lazy<ITransformer> Keys = new(() => CaltechPhotos.Keys(Ml, CaltechPhotos.Load(Ml, "train", every: 10)));

    private static readonly Lazy<TransferLearningTransformer> Backbone = new(() =>
        Ml.MulticlassClassification.Trainers.TransferLearning(new TransferLearningTrainer.Options
        {
            NumberOfEpochs = 1, BatchSize = 4, FeaturesColumnName = "Pooled", Seed = 1,
        }).Fit(Keys.Value.Transform(CaltechPhotos.Load(Ml, "train", every: 10))));

    private static IDataView Keyed(IEnumerable<Galleries.Row> rows)
    {
        var data = Galleries.Load(Ml, rows, Dims);
        return Ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
    }

    private static string[] Predicted(NearestNeighborsTransformer model, IDataView data) =>
        model.Transform(data).GetColumn<uint>("PredictedLabel").Select(k => model.ClassNames[(int)k - 1]).ToArray();
}
