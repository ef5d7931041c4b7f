using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Classification;

[TestClass]
public sealed class CnnClassifierTests
{
    public sealed class Image
    {
        [VectorType(784)] public float[] Features { get; set; } = [];
        public uint Label { get; set; }
    }

    public sealed class Prediction
    {
        public float[] Score { get; set; } = [];
        public uint PredictedLabel { get; set; }
    }

    [TestMethod]
    public void Fit_OnFashionSubset_HeldOutAccuracyFarAboveChance()
    {
        var metrics = TrainedCnn.Context.MulticlassClassification.Evaluate(TrainedCnn.Model.Transform(TrainedCnn.Test));
        // 10 classes: chance is 0.10. 3,000 rows and 3 epochs of the default network reach about 0.8.
        Assert.IsGreaterThan(0.72, metrics.MicroAccuracy, $"accuracy {metrics.MicroAccuracy}");
        Assert.IsLessThan(0.8, metrics.LogLoss);
        Assert.AreEqual(10, metrics.ConfusionMatrix.NumberOfClasses);
    }

    [TestMethod]
    public void Transform_Score_IsProbabilityVectorAndPredictedLabelIsItsArgMax()
    {
        var ml = TrainedCnn.Context;
        var rows = ml.Data.CreateEnumerable<Prediction>(TrainedCnn.Model.Transform(TrainedCnn.Test), reuseRowObject: false)
            .Take(200).ToList();
        Assert.HasCount(200, rows);
        foreach (var row in rows)
        {
            Assert.HasCount(10, row.Score);
            Assert.AreEqual(1.0, row.Score.Sum(), 1e-4);
            Assert.IsTrue(row.Score.All(p => p >= 0));
            Assert.AreEqual((uint)Array.IndexOf(row.Score, row.Score.Max()) + 1, row.PredictedLabel);
        }
    }

    [TestMethod]
    public void PredictedLabel_MapsBackToOriginalLabelValues()
    {
        var ml = TrainedCnn.Context;
        var scored = TrainedCnn.Model.Transform(TrainedCnn.Test);
        var mapped = ml.Transforms.Conversion.MapKeyToValue("PredictedValue", "PredictedLabel").Fit(scored).Transform(scored);
        var predicted = mapped.GetColumn<uint>("PredictedValue").ToArray();
        var truth = TrainedCnn.Test.GetColumn<uint>("Label").ToArray();
        Assert.IsTrue(predicted.All(p => p <= 9), "original Fashion-MNIST labels are 0..9");
        double accuracy = predicted.Zip(truth).Count(p => p.First == p.Second) / (double)truth.Length;
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.AreEqual(metrics.MicroAccuracy, accuracy, 1e-9);
    }

    [TestMethod]
    public void PredictionEngine_MatchesBatchedTransform()
    {
        var ml = TrainedCnn.Context;
        var images = ml.Data.CreateEnumerable<Image>(TrainedCnn.Test, reuseRowObject: false).Take(20).ToList();
        // PredictionEngine takes the raw label column; the pipeline maps it to a key first.
        var engine = ml.Model.CreatePredictionEngine<Image, Prediction>(TrainedCnn.Model, TrainedCnn.Test.Schema);
        var batched = ml.Data.CreateEnumerable<Prediction>(TrainedCnn.Model.Transform(TrainedCnn.Test), reuseRowObject: false)
            .Take(20).ToList();
        for (int i = 0; i < images.Count; i++)
        {
            var single = engine.Predict(images[i]);
            Assert.AreEqual(batched[i].PredictedLabel, single.PredictedLabel, $"row {i}");
            for (int k = 0; k < 10; k++)
                Assert.AreEqual(batched[i].Score[k], single.Score[k], 1e-5, $"row {i} class {k}");
        }
    }

    [TestMethod]
    public void Transform_UnderParallelCursors_GivesSameScoresAsOneCursor()
    {
        var scored = TrainedCnn.Model.Transform(TrainedCnn.Test);
        var expected = ReadScores(scored);
        var columns = new[] { scored.Schema["Score"] };
        var cursors = scored.GetRowCursorSet(columns, 4);
        var results = new System.Collections.Concurrent.ConcurrentDictionary<ulong, float[]>();
        Parallel.ForEach(cursors, new ParallelOptions { MaxDegreeOfParallelism = 4 }, cursor =>
        {
            using (cursor)
                ReadScores(cursor, results);
        });
        Assert.HasCount(expected.Count, results);
        foreach (var (row, scores) in expected)
            CollectionAssert.AreEqual(scores, results[row], $"row {row}");
    }

    [TestMethod]
    public void Transform_IsLazy_NoNetworkWorkWithoutScoreColumns()
    {
        var scored = TrainedCnn.Model.Transform(TrainedCnn.Test);
        var labels = scored.GetColumn<uint>("Label").ToArray();
        Assert.HasCount(TrainedCnn.TestRows, labels);
        Assert.AreEqual(TrainedCnn.TestRows, scored.GetRowCount());
    }

    [TestMethod]
    public void Transform_PassesInputColumnsThroughAlongsideScores()
    {
        var scored = TrainedCnn.Model.Transform(TrainedCnn.Test);
        using var cursor = scored.GetRowCursor(scored.Schema);
        var features = cursor.GetGetter<VBuffer<float>>(scored.Schema["Features"]);
        var score = cursor.GetGetter<VBuffer<float>>(scored.Schema["Score"]);
        var original = TrainedCnn.Test.GetColumn<float[]>("Features").ToArray();
        VBuffer<float> f = default, s = default;
        int row = 0;
        while (cursor.MoveNext())
        {
            features(ref f);
            score(ref s);
            CollectionAssert.AreEqual(original[row], f.DenseValues().ToArray(), $"row {row}");
            row++;
        }
        Assert.AreEqual(TrainedCnn.TestRows, row);
    }

    [TestMethod]
    public void Fit_SameSeedTwice_GivesIdenticalModels()
    {
        float[] Scores()
        {
            var ml = new MLContext(seed: 7);
            var train = TestData.FashionTrain(ml, 600);
            var model = TrainedCnn.Pipeline(ml, new CnnClassifierTrainer.Options { NumberOfEpochs = 1 }).Fit(train);
            return model.Transform(TestData.FashionTest(ml, 100)).GetColumn<float[]>("Score").SelectMany(s => s).ToArray();
        }
        CollectionAssert.AreEqual(Scores(), Scores());
    }

    [TestMethod]
    public void Fit_DifferentSeeds_GiveDifferentModels()
    {
        float[] Scores(int seed)
        {
            var ml = new MLContext(seed: seed);
            var model = TrainedCnn.Pipeline(ml, new CnnClassifierTrainer.Options { NumberOfEpochs = 1 })
                .Fit(TestData.FashionTrain(ml, 300));
            return model.Transform(TestData.FashionTest(ml, 50)).GetColumn<float[]>("Score").SelectMany(s => s).ToArray();
        }
        CollectionAssert.AreNotEqual(Scores(1), Scores(2));
    }

    [TestMethod]
    public void Fit_WithValidationSet_ReportsProgressToLogAndCallback()
    {
        var ml = new MLContext(seed: 5);
        var messages = new System.Collections.Concurrent.ConcurrentQueue<string>();
        ml.Log += (_, e) => messages.Enqueue(e.Message);
        var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(TestData.FashionTrain(ml, 600));
        var train = keys.Transform(TestData.FashionTrain(ml, 600));
        var valid = keys.Transform(TestData.FashionTest(ml, 200));
        var epochs = new List<EpochMetrics>();
        var cnn = ml.MulticlassClassification.Trainers.Cnn(new CnnClassifierTrainer.Options
        {
            NumberOfEpochs = 2, MetricsCallback = epochs.Add,
        }).Fit(train, valid);

        Assert.HasCount(2, epochs);
        Assert.IsTrue(epochs.All(m => m.ValidationLoss > 0 && m.ValidationAccuracy > 0.3), "validated every epoch");
        CollectionAssert.AreEqual(epochs, cnn.History!.Epochs.ToArray());
        Assert.IsTrue(messages.Any(m => m.Contains("Epoch 2/2", StringComparison.Ordinal) && m.Contains("validation accuracy", StringComparison.Ordinal)),
            "progress goes to MLContext.Log");
    }

    private static Dictionary<ulong, float[]> ReadScores(IDataView scored)
    {
        var result = new Dictionary<ulong, float[]>();
        using var cursor = scored.GetRowCursor([scored.Schema["Score"]]);
        ReadScores(cursor, result);
        return result;
    }

    /// <summary>Every row's Score by row id.</summary>
    private static void ReadScores(DataViewRowCursor cursor, IDictionary<ulong, float[]> into)
    {
        var getter = cursor.GetGetter<VBuffer<float>>(cursor.Schema["Score"]);
        var id = cursor.GetIdGetter();
        VBuffer<float> value = default;
        DataViewRowId rowId = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            id(ref rowId);
            into[rowId.Low] = value.DenseValues().ToArray();
        }
    }
}
