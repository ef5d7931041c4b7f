using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Tests.Embeddings;

namespace MlNetTriplet.Tests.Readme;

/// <summary>The README's nearest-neighbour block: search a gallery of embedded images, save it, classify with it, and
/// add a class the classifier has never seen without training anything.</summary>
[TestClass]
public sealed class NearestNeighborsSnippet
{
    [TestMethod]
    public void NearestNeighborsSnippet_SearchesClassifiesAndLearnsANewClassWithoutTraining()
    {
        var (ml, model) = (TrainedEmbedding.Context, TrainedEmbedding.Model);
        IDataView train = TrainedEmbedding.Train, test = TrainedEmbedding.Test;
        string folder = TestData.TempDirectory();
        try
        {
            IDataView? neighbours = null;
            NearestNeighborsTransformer? before = null, after = null;
            MulticlassClassificationMetrics? evaluated = null;
            ReadmeSnippets.InFolder(folder, () =>
            {
                // README:start
                IDataView gallery = model.Transform(train);                 // Embedding + Label of each training image
                var search = ml.Transforms.NearestNeighbors(new NearestNeighborsOptions
                {
                    FeatureColumnName = "Embedding", NeighborCount = 5, Distance = DistanceMetric.Cosine,
                    Approximate = true,                                     // an NN-descent index, saved with the model
                }).Fit(gallery);
                IDataView found = search.Transform(model.Transform(test));  // NeighborIds, NeighborLabels, NeighborDistances
                ml.Model.Save(search, gallery.Schema, "search.zip");        // the gallery and its index go in the zip

                // A k-NN classifier that has never seen a bag (class 8), then shown the training bags: nothing is trained.
                IDataView noBags = ml.Data.FilterByCustomPredicate<LabelRow>(train, row => row.Label == 8);  // drops bags
                IDataView bags = ml.Data.FilterByCustomPredicate<LabelRow>(train, row => row.Label != 8);    // keeps bags
                var knn = ml.MulticlassClassification.Trainers.NearestNeighbors(featureColumnName: "Embedding", neighborCount: 5)
                    .Fit(model.Transform(noBags));
                NearestNeighborsTransformer withBags = knn.AddToGallery(model.Transform(bags));   // knn is unchanged
                var metrics = ml.MulticlassClassification.Evaluate(withBags.Transform(model.Transform(test)));
                // README:end
                (neighbours, before, after, evaluated) = (found, knn, withBags, metrics);
            });

            Assert.IsTrue(neighbours!.GetColumn<float[]>("NeighborDistances").All(d => d.Length == 5 && d.SequenceEqual(d.Order())));
            Assert.IsTrue(File.Exists(Path.Combine(folder, "search.zip")));
            double Bags(NearestNeighborsTransformer classifier)
            {
                var scored = classifier.Transform(model.Transform(test));
                var rows = scored.GetColumn<uint>("Label").Zip(scored.GetColumn<uint>("PredictedLabel")).Where(p => p.First == 9).ToList();
                return rows.Count(p => p.Second == 9) / (double)rows.Count;
            }
            Assert.AreEqual(0, Bags(before!), "no bag is recognised before the bags are added");
            Assert.IsGreaterThan(0.8, Bags(after!), "bags are recognised once added");
            Assert.IsGreaterThan(0.7, evaluated!.MicroAccuracy);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
