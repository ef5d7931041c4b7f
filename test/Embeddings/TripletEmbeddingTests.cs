using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Embeddings;

/// <summary>The triplet embedding estimator end to end on real Fashion-MNIST rows and real libtorch.</summary>
[TestClass]
public sealed class TripletEmbeddingTests
{
    private static float[][] Embeddings(ITransformer model, IDataView data, string column = "Embedding") =>
        model.Transform(data).GetColumn<float[]>(column).ToArray();

    private static uint[] Labels(IDataView data) => data.GetColumn<uint>("Label").ToArray();

    [TestMethod]
    public void SemiHard_AddsUnitNormEmbeddingsThatGroupClasses()
    {
        var model = TrainedEmbedding.Model;
        var schema = model.GetOutputSchema(TrainedEmbedding.Test.Schema);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 256), schema["Embedding"].Type);
        var test = Embeddings(model, TrainedEmbedding.Test);
        var train = Embeddings(model, TrainedEmbedding.Train);
        foreach (var e in test)
            Assert.AreEqual(1.0, Math.Sqrt(e.Sum(v => (double)v * v)), 1e-4);
        double accuracy = TrainedEmbedding.NearestNeighbourAccuracy(test, Labels(TrainedEmbedding.Test), train,
            Labels(TrainedEmbedding.Train));
        // 10 classes: chance is 0.1; 2 epochs on 3,000 images reach about 0.75.
        Assert.IsGreaterThan(0.65, accuracy, $"1-NN accuracy {accuracy}");
        var history = ((IEnumerable<ITransformer>)model).OfType<TripletEmbeddingTransformer>().Single().History!;
        Assert.IsLessThan(history.Epochs[0].TrainLoss, history.Epochs[1].TrainLoss);
        Assert.AreEqual(TrainedEmbedding.TrainRows, history.Epochs[0].Examples);
    }

    [TestMethod]
    public void SoftmaxRatio_TrainsOnRandomTriplets_WithReluEmbeddings()
    {
        var ml = new MLContext(seed: 2);
        var train = TestData.FashionTrain(ml, 2000);
        var options = TripletEmbeddingOptions.SoftmaxRatioRecipe();
        options.StepsPerEpoch = 15;
        options.BatchSize = 32;
        options.NumberOfEpochs = 2;
        var model = TrainedEmbedding.Pipeline(ml, options).Fit(train);
        var history = ((IEnumerable<ITransformer>)model).OfType<TripletEmbeddingTransformer>().Single().History!;
        Assert.AreEqual(15 * 32 * 3, history.Epochs[0].Examples, "an epoch is StepsPerEpoch batches of 3 x 32 images");
        Assert.IsLessThan(history.Epochs[0].TrainLoss, history.Epochs[1].TrainLoss);
        var embeddings = Embeddings(model, TestData.FashionTest(ml, 200));
        Assert.HasCount(100, embeddings[0]);
        Assert.IsTrue(embeddings.All(e => e.All(v => v >= 0)), "ReLU output");
        Assert.IsTrue(embeddings.Any(e => Math.Abs(e.Sum(v => (double)v * v) - 1) > 0.01), "not normalised");
    }

    [TestMethod]
    public void Mlp_OnPlainVectors_BatchHardOnClassBalancedBatches_LearnsAndValidates()
    {
        var ml = new MLContext(seed: 3);
        // The same pixels without the image-shape annotation: a plain Vector<Single, 784> goes to the MLP.
        var plain = ml.Data.LoadFromEnumerable(TestData.FashionTrain(ml, 2400).GetColumn<float[]>("Features")
            .Zip(TestData.FashionTrain(ml, 2400).GetColumn<uint>("Label"))
            .Select(p => new PlainRow { Features = p.First, Label = p.Second }).ToList());
        var epochs = new List<EpochMetrics>();
        var options = new TripletEmbeddingOptions
        {
            Mining = TripletMining.BatchHard, Sampling = TripletSampling.ClassBalanced, ClassesPerBatch = 5,
            SamplesPerClass = 6, EmbeddingSize = 32, Mlp = new MlpArchitecture { HiddenLayers = [128] }, NumberOfEpochs = 3,
            ValidationFraction = 0.2, MetricsCallback = epochs.Add,
        };
        var model = TrainedEmbedding.Pipeline(ml, options).Fit(plain);
        var split = ml.Data.TrainTestSplit(plain, 0.25, seed: 1);
        var train = Embeddings(model, split.TrainSet);
        var test = Embeddings(model, split.TestSet);
        Assert.HasCount(32, train[0]);
        double accuracy = TrainedEmbedding.NearestNeighbourAccuracy(test, Labels(split.TestSet), train, Labels(split.TrainSet));
        Assert.IsGreaterThan(0.6, accuracy, $"1-NN accuracy {accuracy}");
        Assert.HasCount(3, epochs);
        Assert.IsTrue(epochs.All(e => e.ValidationLoss is double v && double.IsFinite(v)), "validation loss every epoch");
        // P x K steps: 1,920 training rows / 30 per batch = 64 steps of 30 rows.
        Assert.AreEqual(64 * 30, epochs[0].Examples);
    }

    [TestMethod]
    public void DefaultOptions_OnImages_TrainTheDefaultCnn()
    {
        var ml = new MLContext(seed: 4);
        var train = TestData.FashionTrain(ml, 1500);
        var test = TestData.FashionTest(ml, 300);
        var model = TrainedEmbedding.Pipeline(ml, new TripletEmbeddingOptions { NumberOfEpochs = 2 }).Fit(train);
        var transformer = ((IEnumerable<ITransformer>)model).OfType<TripletEmbeddingTransformer>().Single();
        Assert.IsNull(transformer.Mlp);
        CollectionAssert.AreEqual(TripletEmbeddingOptions.DefaultCnn.Blocks.ToList(), transformer.Architecture!.Blocks.ToList());
        CollectionAssert.AreEqual(TripletEmbeddingOptions.DefaultCnn.DenseUnits.ToList(), transformer.Architecture.DenseUnits.ToList());
        double accuracy = TrainedEmbedding.NearestNeighbourAccuracy(Embeddings(model, test), Labels(test),
            Embeddings(model, train), Labels(train));
        // Chance is 0.1; 2 epochs on 1,500 images reach about 0.75.
        Assert.IsGreaterThan(0.65, accuracy, $"1-NN accuracy {accuracy}");
    }

    [TestMethod]
    public void SameSeed_GivesIdenticalEmbeddings()
    {
        float[][] Run()
        {
            var ml = new MLContext(seed: 5);
            var options = TripletEmbeddingOptions.SemiHardRecipe();
            options.NumberOfEpochs = 1;
            var train = TestData.FashionTrain(ml, 600);
            return Embeddings(TrainedEmbedding.Pipeline(ml, options).Fit(train), TestData.FashionTest(ml, 50));
        }
        var first = Run();
        var second = Run();
        for (int i = 0; i < first.Length; i++)
            CollectionAssert.AreEqual(first[i], second[i], $"row {i}");
    }

    [TestMethod]
    public void PredictionEngine_GivesTheBatchedCursorsEmbedding()
    {
        var ml = TrainedEmbedding.Context;
        var batched = Embeddings(TrainedEmbedding.Model, TrainedEmbedding.Test);
        // Not disposed: disposing a PredictionEngine disposes the model it runs, which other tests share.
        var engine = ml.Model.CreatePredictionEngine<ImageRow, EmbeddingRow>(TrainedEmbedding.Model);
        var rows = ml.Data.CreateEnumerable<ImageRow>(TrainedEmbedding.Test, reuseRowObject: false).Take(5).ToList();
        for (int i = 0; i < rows.Count; i++)
        {
            var single = engine.Predict(rows[i]).Embedding;
            for (int k = 0; k < single.Length; k++)
                Assert.AreEqual(batched[i][k], single[k], 1e-5f, $"row {i}, slot {k}");
        }
    }

    private sealed class PlainRow
    {
        [VectorType(784)]
        public float[] Features { get; set; } = [];

        public uint Label { get; set; }
    }

    private sealed class ImageRow
    {
        [VectorType(784)]
        public float[] Features { get; set; } = [];

        public uint Label { get; set; }
    }

    private sealed class EmbeddingRow
    {
        public float[] Embedding { get; set; } = [];
    }
}
