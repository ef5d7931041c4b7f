using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MlNetTriplet.Tests.Tabular;

[TestClass]
public sealed class NeuralNetworkMulticlassTests
{
    private static IEstimator<ITransformer> Pipeline(MLContext ml, NeuralNetworkMulticlassTrainer.Options options) =>
        ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(ml.MulticlassClassification.Trainers.NeuralNetwork(options));

    [TestMethod]
    public void Evaluate_OnFashionMnistPixels_WorksUnchangedAndSavesAndLoads()
    {
        var ml = new MLContext(seed: 1);
        var train = TestData.FashionTrain(ml, 3000);
        var test = TestData.FashionTest(ml, 500);
        var model = Pipeline(ml, new NeuralNetworkMulticlassTrainer.Options
        {
            NumberOfEpochs = 3, Architecture = new MlpArchitecture { HiddenLayers = [128] },
        }).Fit(train);
        var scored = model.Transform(test);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.IsGreaterThan(0.7, metrics.MicroAccuracy, $"accuracy {metrics.MicroAccuracy}");
        Assert.AreEqual(10, ((VectorDataViewType)scored.Schema["Score"].Type).Size);
        Assert.AreEqual(10UL, ((KeyDataViewType)scored.Schema["PredictedLabel"].Type).Count);
        var network = ((IEnumerable<ITransformer>)model).OfType<NeuralNetworkTransformer>().Single();
        Assert.IsFalse(network.IsBinary);
        Assert.AreEqual(784, network.FeatureCount);

        string dir = TestData.TempDirectory();
        try
        {
            string zip = Path.Combine(dir, "mlp.zip");
            ml.Model.Save(model, train.Schema, zip);
            var loaded = new MLContext().Model.Load(zip, out _);
            var expected = scored.GetColumn<float[]>("Score").ToArray();
            var actual = loaded.Transform(test).GetColumn<float[]>("Score").ToArray();
            for (int i = 0; i < expected.Length; i++)
                CollectionAssert.AreEqual(expected[i], actual[i], $"row {i}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void Fit_WithClassWeightsOfWrongLength_ThrowsNamingTheCounts()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Pipeline(ml,
            new NeuralNetworkMulticlassTrainer.Options { NumberOfEpochs = 1, ClassWeights = [1f, 2f] }).Fit(TestData.FashionTrain(ml, 200)));
        StringAssert.Contains(e.Message, "ClassWeights holds 2 weights but label column 'Label' has 10 classes");
    }

    [TestMethod]
    public void Fit_WithBooleanLabel_ThrowsAskingForKey()
    {
        var ml = new MLContext(seed: 1);
        var split = BankData.KaggleSplit(ml);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => BankData.Preprocessing(ml)
            .Append(ml.MulticlassClassification.Trainers.NeuralNetwork()).Fit(split.TestSet));
        StringAssert.Contains(e.Message, "MapValueToKey");
    }

    [TestMethod]
    public void ClassWeights_FavourTheHeavyClass()
    {
        var ml = new MLContext(seed: 1);
        var train = TestData.FashionTrain(ml, 1000);
        int Predicted(IReadOnlyList<float>? weights)
        {
            var model = Pipeline(ml, new NeuralNetworkMulticlassTrainer.Options
            {
                NumberOfEpochs = 2, Seed = 1, ClassWeights = weights, Architecture = new MlpArchitecture { HiddenLayers = [32] },
            }).Fit(train);
            // Class 6 (shirt, key 7 as MapValueToKey orders 0-9) is the one Fashion-MNIST networks confuse most: its
            // weight decides how often it is chosen.
            return model.Transform(train).GetColumn<uint>("PredictedLabel").Count(k => k == 7);
        }
        int plain = Predicted(null);
        int heavy = Predicted([.. Enumerable.Range(0, 10).Select(k => k == 6 ? 10f : 1f)]);
        Assert.IsGreaterThan(plain * 1.5, heavy, $"class 6 predicted {plain} times unweighted, {heavy} times weighted");
    }
}
