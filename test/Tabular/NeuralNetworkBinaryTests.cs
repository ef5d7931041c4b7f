using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Tabular;

[TestClass]
public sealed class NeuralNetworkBinaryTests
{
    [TestMethod]
    public void Evaluate_OnKaggleValidationSplit_WorksUnchangedWithGoodAuc()
    {
        var ml = TrainedBankNetwork.Context;
        var metrics = ml.BinaryClassification.Evaluate(TrainedBankNetwork.Model.Transform(TrainedBankNetwork.Validation));
        // The PyTorch peer reaches 0.920 after 10 epochs; 3 epochs must already be well above chance.
        Assert.IsGreaterThan(0.88, metrics.AreaUnderRocCurve, $"AUC {metrics.AreaUnderRocCurve}");
        Assert.IsGreaterThan(0.78, metrics.Accuracy);
        Assert.IsGreaterThan(0.7, metrics.PositivePrecision);
        Assert.IsGreaterThan(0.7, metrics.PositiveRecall);
        Assert.IsGreaterThan(0.7, metrics.F1Score);
        Assert.IsLessThan(0.6, metrics.LogLoss); // ML.NET reports log-loss in bits
        Assert.AreEqual((double)TrainedBankNetwork.Validation.GetRowCount()!.Value, metrics.ConfusionMatrix.Counts.Sum(r => r.Sum()));
    }

    [TestMethod]
    public void Transform_FollowsMlNetBinaryConventions()
    {
        var scored = TrainedBankNetwork.Model.Transform(TrainedBankNetwork.Validation);
        Assert.AreEqual(NumberDataViewType.Single, scored.Schema["Score"].Type);
        Assert.AreEqual(NumberDataViewType.Single, scored.Schema["Probability"].Type);
        Assert.AreEqual(BooleanDataViewType.Instance, scored.Schema["PredictedLabel"].Type);
        var score = scored.GetColumn<float>("Score").ToArray();
        var probability = scored.GetColumn<float>("Probability").ToArray();
        var predicted = scored.GetColumn<bool>("PredictedLabel").ToArray();
        Assert.HasCount(2233, score); // 20% of each class, rounded: 1,058 yes + 1,175 no
        for (int i = 0; i < score.Length; i++)
        {
            Assert.AreEqual(1 / (1 + Math.Exp(-score[i])), probability[i], 1e-6, $"row {i}");
            Assert.AreEqual(probability[i] > 0.5f, predicted[i], $"row {i}");
        }
        Assert.IsTrue(predicted.Any(p => p) && predicted.Any(p => !p), "both classes predicted");
    }

    [TestMethod]
    public void PredictionEngine_SingleCustomer_MatchesBatchedTransform()
    {
        var ml = TrainedBankNetwork.Context;
        var customers = ml.Data.CreateEnumerable<BankCustomer>(TrainedBankNetwork.Validation, reuseRowObject: false).Take(20).ToList();
        var batched = TrainedBankNetwork.Model.Transform(ml.Data.LoadFromEnumerable(customers)).GetColumn<float>("Score").ToArray();
        // Not disposed: ML.NET's PredictionEngine.Dispose disposes the model it was built on, which other tests share.
        var engine = ml.Model.CreatePredictionEngine<BankCustomer, BankPrediction>(TrainedBankNetwork.Model);
        for (int i = 0; i < customers.Count; i++)
        {
            var p = engine.Predict(customers[i]);
            Assert.AreEqual(batched[i], p.Score, 1e-5, $"customer {i}");
            Assert.AreEqual(p.Probability > 0.5f, p.PredictedLabel);
        }
    }

    [TestMethod]
    public void Fit_WithSameSeed_IsDeterministic()
    {
        var ml = new MLContext(seed: 5);
        var split = BankData.KaggleSplit(ml);
        float[] Scores(int seed) => BankData.Preprocessing(ml)
            .Append(ml.BinaryClassification.Trainers.NeuralNetwork(TrainedBankNetwork.Options(epochs: 1, seed: seed)))
            .Fit(split.TrainSet).Transform(split.TestSet).GetColumn<float>("Score").ToArray();
        var first = Scores(3);
        CollectionAssert.AreEqual(first, Scores(3));
        CollectionAssert.AreNotEqual(first, Scores(4));
    }

    [TestMethod]
    public void PositiveClassWeight_OnImbalancedUciFile_RaisesRecall()
    {
        var ml = new MLContext(seed: 1);
        var split = ml.Data.StratifiedTrainTestSplit(BankData.Loader(ml, ';', "y").Load(BankData.Uci), 0.2, "y", seed: 0);
        BinaryClassificationMetrics Metrics(double weight)
        {
            var options = TrainedBankNetwork.Options(epochs: 5);
            options.PositiveClassWeight = weight;
            var model = BankData.Preprocessing(ml, "y").Append(ml.BinaryClassification.Trainers.NeuralNetwork(options)).Fit(split.TrainSet);
            return ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
        }
        var plain = Metrics(1);
        var balanced = Metrics(4000.0 / 521);
        Assert.IsGreaterThan(0.8, plain.AreaUnderRocCurve);
        Assert.IsGreaterThan(plain.PositiveRecall + 0.2, balanced.PositiveRecall, $"recall {plain.PositiveRecall} -> {balanced.PositiveRecall}");
        Assert.IsLessThan(plain.PositivePrecision, balanced.PositivePrecision);
    }

    [TestMethod]
    public void Fit_WithValidationSetAndEarlyStopping_KeepsBestEpochAndReportsEachEpoch()
    {
        var ml = new MLContext(seed: 1);
        var split = BankData.KaggleSplit(ml);
        var prep = BankData.Preprocessing(ml).Fit(split.TrainSet);
        var epochs = new List<EpochMetrics>();
        var options = TrainedBankNetwork.Options(epochs: 4);
        options.EarlyStoppingPatience = 1;
        options.MetricsCallback = epochs.Add;
        options.Architecture = new MlpArchitecture { HiddenLayers = [32], InputDropout = 0.1f, HiddenDropout = 0.2f, BatchNorm = true };
        var model = ml.BinaryClassification.Trainers.NeuralNetwork(options)
            .Fit(prep.Transform(split.TrainSet), prep.Transform(split.TestSet));
        Assert.IsNotEmpty(epochs);
        Assert.IsTrue(epochs.All(e => e.ValidationLoss is not null && e.ValidationAccuracy is > 0.7), string.Join("; ", epochs));
        Assert.AreEqual(epochs.MinBy(e => e.ValidationLoss)!.Epoch, model.History!.BestEpoch);
        Assert.IsTrue(model.IsBinary);
        Assert.AreEqual(((VectorDataViewType)prep.Transform(split.TestSet).Schema["Features"].Type).Size, model.FeatureCount);
    }
}
