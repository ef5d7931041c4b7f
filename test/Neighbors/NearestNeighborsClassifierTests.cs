using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Neighbors;

/// <summary>The k-nearest-neighbour classifier on Fashion-MNIST pixels: ML.NET's multiclass evaluator reads its
/// output, its scores are vote shares, and its accuracy is the embedding metrics' k-NN accuracy (one vote, one
/// tie rule).</summary>
[TestClass]
public sealed class NearestNeighborsClassifierTests
{
    private const int GalleryRows = 3000, TestRows = 500;
    private static readonly MLContext Ml = new(seed: 1);
    private static IDataView _gallery = null!, _test = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void KeyTheLabels(TestContext _)
    {
        var train = TestData.FashionTrain(Ml, GalleryRows);
        var keys = Ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
        _gallery = keys.Transform(train);
        _test = keys.Transform(TestData.FashionTest(Ml, TestRows));
    }

    [TestMethod]
    public void Evaluate_OnTheClassifiersOutput_GivesTheEmbeddingMetricsKnnAccuracy()
    {
        var model = Ml.MulticlassClassification.Trainers.NearestNeighbors(neighborCount: 10).Fit(_gallery);
        var scored = model.Transform(_test);
        var metrics = Ml.MulticlassClassification.Evaluate(scored);
        var reference = Ml.Embeddings().Evaluate(_test, "Features", "Label", reference: _gallery,
            options: new EmbeddingEvaluationOptions { KnnNeighborCount = 10, ComputeClusterQuality = false });
        TestContext.WriteLine($"10-NN on {GalleryRows} Fashion-MNIST images: accuracy {metrics.MicroAccuracy:F4}, log-loss {metrics.LogLoss:F3}");
        // Pixels, 3,000 gallery images: scikit-learn's KNeighborsClassifier(10) scores 0.78-0.80 on such subsets.
        Assert.IsGreaterThan(0.74, metrics.MicroAccuracy, $"accuracy {metrics.MicroAccuracy}");
        var predicted = scored.GetColumn<uint>("PredictedLabel").Zip(scored.GetColumn<uint>("Label")).ToArray();
        double accuracy = predicted.Count(p => p.First == p.Second) / (double)TestRows;
        TestContext.WriteLine($"PredictedLabel accuracy {accuracy:F4}, embedding metrics' 10-NN accuracy {reference.KnnAccuracy:F4}");
        Assert.AreEqual(reference.KnnAccuracy, accuracy, 1e-12);
        // ML.NET's evaluator takes the first class of highest Score: a tied vote may count otherwise.
        Assert.AreEqual(accuracy, metrics.MicroAccuracy, 0.01);
        Assert.AreEqual(10, metrics.ConfusionMatrix.NumberOfClasses);
        foreach (var score in scored.GetColumn<float[]>("Score"))
        {
            Assert.AreEqual(1f, score.Sum(), 1e-5f);
            Assert.IsTrue(score.All(s => s * 10 == MathF.Round(s * 10)), "majority: tenths of the vote");
        }
    }

    [TestMethod]
    public void DistanceWeightedVote_ScoresSumToOne_AndTheNearestNeighbourWeighsMost()
    {
        var model = Ml.MulticlassClassification.Trainers.NearestNeighbors(neighborCount: 5, vote: NeighborVote.DistanceWeighted)
            .Fit(_gallery);
        var scored = model.Transform(_test);
        var metrics = Ml.MulticlassClassification.Evaluate(scored);
        TestContext.WriteLine($"5-NN distance-weighted: accuracy {metrics.MicroAccuracy:F4}");
        Assert.IsGreaterThan(0.74, metrics.MicroAccuracy);
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        var labels = scored.GetColumn<uint[]>("NeighborLabels").ToArray();
        var distances = scored.GetColumn<float[]>("NeighborDistances").ToArray();
        for (int q = 0; q < TestRows; q++)
        {
            Assert.AreEqual(1f, scores[q].Sum(), 1e-5f);
            if (distances[q][0] == 0)
                continue;   // a duplicate of a gallery image: only the duplicates vote
            var weights = distances[q].Select(d => 1 / d).ToArray();
            float expected = (float)(labels[q].Select((l, t) => l == labels[q][0] ? weights[t] : 0).Sum() / weights.Sum());
            Assert.AreEqual(expected, scores[q][labels[q][0] - 1], 1e-5f, $"row {q}: the nearest neighbour's class");
        }
    }

    [TestMethod]
    public void PredictedLabel_CarriesTheGallerysKeyValues()
    {
        var scored = Ml.MulticlassClassification.Trainers.NearestNeighbors().Fit(_gallery).Transform(_test);
        VBuffer<uint> predictedValues = default, labelValues = default, neighborValues = default;
        scored.Schema["PredictedLabel"].GetKeyValues(ref predictedValues);
        _test.Schema["Label"].GetKeyValues(ref labelValues);
        scored.Schema["NeighborLabels"].GetKeyValues(ref neighborValues);
        CollectionAssert.AreEqual(labelValues.DenseValues().ToArray(), predictedValues.DenseValues().ToArray());
        CollectionAssert.AreEqual(labelValues.DenseValues().ToArray(), neighborValues.DenseValues().ToArray());
    }
}
