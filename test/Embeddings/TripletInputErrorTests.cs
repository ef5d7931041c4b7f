using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Embeddings;

/// <summary>Bad data and bad options fail before training, with messages that say what was expected.</summary>
[TestClass]
public sealed class TripletInputErrorTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private static IDataView Fashion(int rows) => TestData.FashionTrain(Ml, rows);

    /// <summary>Real Fashion-MNIST rows, keeping only those whose label passes <paramref name="keep"/>.</summary>
    private static IDataView FashionWhere(int rows, Func<uint, int, bool> keep)
    {
        var data = Fashion(rows);
        var pixels = data.GetColumn<float[]>("Features").ToArray();
        var labels = data.GetColumn<uint>("Label").ToArray();
        return Ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Where(i => keep(labels[i], i))
            .Select(i => new Row { Features = pixels[i], Label = labels[i] }).ToList());
    }

    private static Exception Fit(IDataView data, TripletEmbeddingOptions options) =>
        Assert.Throws<Exception>(() => TrainedEmbedding.Pipeline(Ml, options).Fit(data));

    private static TripletEmbeddingOptions Options(Action<TripletEmbeddingOptions>? change = null)
    {
        var options = TripletEmbeddingOptions.SemiHardRecipe();
        options.ImageShape = new ImageShape(1, 28, 28);
        options.NumberOfEpochs = 1;
        change?.Invoke(options);
        return options;
    }

    [TestMethod]
    public void SingleClass_IsRejectedNamingTheLabelColumn()
    {
        var e = Fit(FashionWhere(300, (label, _) => label == 3), Options());
        StringAssert.Contains(e.Message, "Label column 'Label' has 1 class(es); triplets need at least two");
    }

    [TestMethod]
    public void RandomTriplets_WithASingleRowClass_AreRejected()
    {
        // Class 0 keeps only its first row: it cannot give an anchor and a different positive.
        bool seen = false;
        var data = FashionWhere(300, (label, _) => label != 0 || !seen && (seen = true));
        var e = Fit(data, Options(o => { o.Sampling = TripletSampling.RandomTriplets; o.Mining = TripletMining.None; }));
        StringAssert.Contains(e.Message, "single row");
        StringAssert.Contains(e.Message, "key values 1");
    }

    [TestMethod]
    public void EmbeddingFromTheBackbone_OnVectors_IsRejectedBeforeTraining()
    {
        var e = Fit(Fashion(60), Options(o => { o.EmbeddingSource = PhotoEmbeddingSource.Backbone; o.BackboneMode = TransferMode.FineTuneAll; }));
        StringAssert.Contains(e.Message, "Option TripletEmbeddingOptions.EmbeddingSource is Backbone");
        StringAssert.Contains(e.Message, "no pretrained backbone");
    }

    [TestMethod]
    public void ClassBalanced_LargerThanTheData_IsRejected()
    {
        var tooMany = Fit(Fashion(200), Options(o => { o.Sampling = TripletSampling.ClassBalanced; o.ClassesPerBatch = 12; }));
        StringAssert.Contains(tooMany.Message, "ClassesPerBatch is 12");
        var tooBig = Fit(Fashion(60), Options(o =>
        {
            o.Sampling = TripletSampling.ClassBalanced; o.ClassesPerBatch = 8; o.SamplesPerClass = 10;
        }));
        StringAssert.Contains(tooBig.Message, "80 rows is larger than the 60 rows");
    }

    [TestMethod]
    public void InvalidOptions_AreRejectedWhenTheEstimatorIsCreated()
    {
        var size = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Transforms.TripletEmbedding(Options(o => o.EmbeddingSize = 0)));
        StringAssert.Contains(size.Message, "Option TripletEmbeddingOptions.EmbeddingSize is 0: expected at least 1");
        var k = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Transforms.TripletEmbedding(Options(o => o.SamplesPerClass = 1)));
        StringAssert.Contains(k.Message, "SamplesPerClass");
        // The loss on given triplets cannot run on ordinary batches: softmax ratio with P x K batches needs a miner.
        var combination = Assert.Throws<ArgumentException>(() => Ml.Transforms.TripletEmbedding(Options(o =>
        {
            o.Loss = TripletLossKind.SoftmaxRatio; o.Mining = TripletMining.None; o.Sampling = TripletSampling.ClassBalanced;
        })));
        StringAssert.Contains(combination.Message, "Mining None needs Sampling RandomTriplets");
        var both = Assert.Throws<ArgumentException>(() => Ml.Transforms.TripletEmbedding(Options(o => o.Mlp = new MlpArchitecture())));
        StringAssert.Contains(both.Message, "expected one of them");
    }

    [TestMethod]
    public void NaNFeature_IsRejectedNamingRowAndColumn()
    {
        var data = Fashion(100);
        var pixels = data.GetColumn<float[]>("Features").ToArray();
        var labels = data.GetColumn<uint>("Label").ToArray();
        pixels[42][7] = float.NaN;
        var rows = Ml.Data.LoadFromEnumerable(pixels.Zip(labels).Select(p => new Row { Features = p.First, Label = p.Second }).ToList());
        var e = Fit(rows, Options());
        StringAssert.Contains(e.Message, "row 42 of feature column 'Features' holds NaN at slot 7");
    }

    [TestMethod]
    public void ImagesOfUnknownShape_AskForImageShapeOrMlp()
    {
        var rows = FashionWhere(100, (_, _) => true);
        var options = Options(o => o.ImageShape = null);
        var e = Fit(rows, options);
        StringAssert.Contains(e.Message, "set ImageShape, or set Mlp");
    }

    private sealed class Row
    {
        [VectorType(784)]
        public float[] Features { get; set; } = [];

        public uint Label { get; set; }
    }
}
