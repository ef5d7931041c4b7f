using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Tabular;

[TestClass]
public sealed class NeuralNetworkInputErrorTests
{
    private sealed class Row
    {
        public float Age { get; set; }
        public float Balance { get; set; }
        public string Target { get; set; } = "";
    }

    private static List<Row> Rows(int count, Func<int, string>? target = null) =>
        Enumerable.Range(0, count).Select(i => new Row
        {
            Age = 20 + i % 50, Balance = i * 10 % 700, Target = target?.Invoke(i) ?? (i % 3 == 0 ? "yes" : "no"),
        }).ToList();

    private static IEstimator<ITransformer> Features(MLContext ml) => ml.Transforms.Concatenate("Features", "Age", "Balance");

    private static NeuralNetworkBinaryTrainer Binary(MLContext ml) =>
        ml.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options { NumberOfEpochs = 1 });

    private static IEstimator<ITransformer> YesNoLabel(MLContext ml) =>
        ml.Transforms.Conversion.MapValue("Label", [new KeyValuePair<string, bool>("yes", true), new("no", false)], "Target");

    [TestMethod]
    public void Fit_WithTargetOfThreeValues_ThrowsListingTheValues()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(30, i => (i % 3) switch { 0 => "yes", 1 => "no", _ => "maybe" }));
        var e = Expect.AnyException(() => ml.Transforms.Conversion.MapValueToKey("Label", "Target").Append(Features(ml)).Append(Binary(ml)).Fit(data));
        StringAssert.Contains(e.Message, "Label column 'Label' has 3 values ('yes', 'no', 'maybe')");
        StringAssert.Contains(e.Message, "exactly two");
    }

    [TestMethod]
    public void Fit_ValidationLabelsKeyedSeparately_RefusedNamingTheKeysThatDiffer()
    {
        // ants/bees in training, bees/wasps in validation, each keyed by its own MapValueToKey: two classes on both
        // sides, but key 1 means 'ants' in one and 'bees' in the other.
        var ml = new MLContext(seed: 1);
        IDataView Keyed(Func<int, string> target)
        {
            var data = ml.Data.LoadFromEnumerable(Rows(40, target));
            return ml.Transforms.Conversion.MapValueToKey("Label", "Target").Append(Features(ml)).Fit(data).Transform(data);
        }
        var train = Keyed(i => i % 2 == 0 ? "ants" : "bees");
        var valid = Keyed(i => i % 2 == 0 ? "bees" : "wasps");
        var trainer = ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkMulticlassTrainer.Options { NumberOfEpochs = 1 });
        var e = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(train, valid));
        StringAssert.Contains(e.Message, "key 1 is 'bees' in validation but 'ants' in training");
        StringAssert.Contains(e.Message, "validation keys: bees, wasps");
        trainer.Fit(train, Keyed(i => i % 2 == 0 ? "ants" : "bees"));   // the same keys are accepted
    }

    [TestMethod]
    public void Fit_WithNumericLabel_ThrowsSuggestingMapValue()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(30));
        var e = Expect.AnyException(() => Features(ml).Append(ml.Transforms.CopyColumns("Label", "Age")).Append(Binary(ml)).Fit(data));
        StringAssert.Contains(e.Message, "label column 'Label'");
        StringAssert.Contains(e.Message, "MapValue");
    }

    [TestMethod]
    public void Fit_WithNaNFeature_ThrowsNamingColumnAndRow()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(30);
        rows[7].Balance = float.NaN;
        var e = Expect.AnyException(() => YesNoLabel(ml).Append(Features(ml)).Append(Binary(ml)).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.IsInstanceOfType<InvalidDataException>(e);
        StringAssert.Contains(e.Message, "row 7 of feature column 'Features' holds NaN at slot 1 ('Balance')");
        StringAssert.Contains(e.Message, "ReplaceMissingValues");
    }

    [TestMethod]
    public void Fit_WithEmptyCellInCsv_ThrowsNamingTheColumn()
    {
        string dir = TestData.TempDirectory();
        try
        {
            // 100 "yes" rows from the top of the Kaggle file and 100 "no" rows from its end, one balance cell emptied.
            var all = File.ReadAllLines(BankData.Kaggle);
            var lines = all.Take(101).Concat(all.TakeLast(100)).ToArray();
            var cells = lines[42].Split(',');
            cells[5] = "";
            lines[42] = string.Join(',', cells);
            string csv = Path.Combine(dir, "holes.csv");
            File.WriteAllLines(csv, lines);
            var ml = new MLContext(seed: 1);
            var data = BankData.Loader(ml).Load(csv);
            var e = Expect.AnyException(() => BankData.Preprocessing(ml).Append(Binary(ml)).Fit(data));
            StringAssert.Contains(e.Message, "row 41 of feature column 'Features'");
            StringAssert.Contains(e.Message, "('Numeric.balance')");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void Fit_WithOneClassOnly_ThrowsBeforeTraining()
    {
        var ml = new MLContext(seed: 1);
        var epochs = 0;
        var options = new NeuralNetworkBinaryTrainer.Options { MetricsCallback = _ => epochs++ };
        var data = ml.Data.LoadFromEnumerable(Rows(30, _ => "no"));
        var e = Expect.AnyException(() => YesNoLabel(ml).Append(Features(ml)).Append(ml.BinaryClassification.Trainers.NeuralNetwork(options)).Fit(data));
        StringAssert.Contains(e.Message, "only one class in label column 'Label' (30 rows, all false)");
        StringAssert.Contains(e.Message, "StratifiedTrainTestSplit");
        Assert.AreEqual(0, epochs);
    }

    [TestMethod]
    public void StratifiedSplit_WithClassOfOneRow_ThrowsNamingTheClass()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(30, i => i == 4 ? "maybe" : i % 2 == 0 ? "yes" : "no"));
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ml.Data.StratifiedTrainTestSplit(data, 0.2, "Target", seed: 0));
        StringAssert.Contains(e.Message, "class 'maybe' has only 1 row");
    }

    [TestMethod]
    public void Fit_WithMissingFeatureColumn_ThrowsNamingIt()
    {
        var ml = new MLContext(seed: 1);
        var options = new NeuralNetworkBinaryTrainer.Options { FeatureColumnName = "Inputs" };
        var e = Expect.AnyException(() => YesNoLabel(ml).Append(Features(ml)).Append(ml.BinaryClassification.Trainers.NeuralNetwork(options))
            .Fit(ml.Data.LoadFromEnumerable(Rows(30))));
        StringAssert.Contains(e.Message, "feature column 'Inputs'");
    }

    [TestMethod]
    public void Options_WithBadValues_ThrowWhenTheTrainerIsCreated()
    {
        var ml = new MLContext();
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.NeuralNetwork(
            new NeuralNetworkBinaryTrainer.Options { Architecture = new MlpArchitecture { HiddenDropout = 1f } }));
        StringAssert.Contains(e.Message, "HiddenDropout");
        var w = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.NeuralNetwork(
            new NeuralNetworkBinaryTrainer.Options { PositiveClassWeight = 0 }));
        StringAssert.Contains(w.Message, "PositiveClassWeight");
    }

    [TestMethod]
    public void Fit_WithTwoValuedKeyLabel_TrainsAndEvaluatesAsBinary()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(300, i => i % 50 < 20 ? "yes" : "no"));
        var model = ml.Transforms.Conversion.MapValueToKey("Label", "Target",
                keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(Features(ml)).Append(ml.Transforms.NormalizeMeanVariance("Features"))
            .Append(ml.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options { NumberOfEpochs = 30 }))
            .Fit(data);
        // Keys by value: no = 1, yes = 2; ML.NET's evaluator reads the second key as the positive class.
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(data));
        Assert.IsGreaterThan(0.9, metrics.AreaUnderRocCurve, $"AUC {metrics.AreaUnderRocCurve}"); // age alone separates the classes
        Assert.AreEqual(120, metrics.ConfusionMatrix.Counts[0].Sum(), 1e-9);
    }
}
