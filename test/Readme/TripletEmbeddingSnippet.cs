using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Readme;

/// <summary>The README's triplet embedding block: the default recipe and a composed one.</summary>
[TestClass]
public sealed class TripletEmbeddingSnippet
{
    [TestMethod]
    public void TripletEmbeddingSnippet_EmbedsTestImagesWithBothEstimators()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = TestData.FashionTrain(ml, 600), test = TestData.FashionTest(ml, 100);

        // README:start
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.TripletEmbedding(new TripletEmbeddingOptions()));   // semi-hard defaults, standard CNN
        var model = pipeline.Fit(train);
        IDataView embedded = model.Transform(test);                                  // adds "Embedding"

        // Or compose the pieces: any loss x mining x distance x sampling that can work (Fit rejects the others up front).
        var custom = ml.Transforms.TripletEmbedding(new TripletEmbeddingOptions
        {
            Loss = TripletLossKind.Margin, Mining = TripletMining.BatchHard, Distance = DistanceMetric.Euclidean,
            Sampling = TripletSampling.ClassBalanced, ClassesPerBatch = 8, SamplesPerClass = 4, Margin = 0.2,
            EmbeddingSize = 64, Mlp = new MlpArchitecture { HiddenLayers = [256] },   // plain vectors; CNNs via Architecture
        });
        // README:end

        Assert.IsTrue(embedded.GetColumn<float[]>("Embedding").All(e => e.Length == 256));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
        var composed = custom.Fit(keyed.Transform(train)).Transform(keyed.Transform(test));
        Assert.IsTrue(composed.GetColumn<float[]>("Embedding").All(e => e.Length == 64));
    }
}
