using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Readme;

/// <summary>The README's open-set block (the metric-learning protocol): train on Fashion-MNIST classes 0-4, measure
/// retrieval among test images of classes 5-9, which training never saw.</summary>
[TestClass]
public sealed class UnseenClassesSnippet
{
    [TestMethod]
    public void UnseenClassesSnippet_RetrievesAmongClassesNeverSeenInTraining()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = TestData.FashionTrain(ml, 1500), test = TestData.FashionTest(ml, 500);

        // README:start
        // Train on classes 0-4; retrieve among the test images of classes 5-9, which training never saw.
        IDataView seen = ml.Data.FilterByCustomPredicate<LabelRow>(train, row => row.Label >= 5);   // drops classes 5-9
        IDataView unseen = ml.Data.FilterByCustomPredicate<LabelRow>(test, row => row.Label < 5);   // drops classes 0-4
        var openSet = ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label")
            .Append(ml.Transforms.TripletEmbedding(new TripletEmbeddingOptions { LabelColumnName = "LabelKey" }))
            .Fit(seen);
        EmbeddingMetrics newClasses = ml.Embeddings().Evaluate(openSet.Transform(unseen), "Embedding", "Label");
        // README:end

        Assert.IsTrue(unseen.GetColumn<uint>("Label").All(label => label >= 5));
        // Five classes: chance gives P@1 0.2 and MAP@R about 0.04. Seen here (750 training images, 5 epochs): P@1 0.75,
        // MAP@R 0.25, below raw pixels on these rows (0.88, 0.45): what the network learnt on tops, trousers,
        // pullovers, dresses and coats transfers to sandals, shirts, sneakers, bags and boots only in part.
        Assert.IsGreaterThan(0.6, newClasses.PrecisionAt1, $"unseen classes: {newClasses}");
        Assert.IsGreaterThan(0.15, newClasses.MeanAveragePrecisionAtR, $"unseen classes: {newClasses}");
    }
}

// README:start
public sealed class LabelRow
{
    public uint Label { get; set; }
}
// README:end
