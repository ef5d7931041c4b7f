using Microsoft.ML;
// README:start
using Microsoft.ML.Data;   // DataKind, TextLoader
using MlNetTriplet.Plots;  // TrainingPlots: the MlNetTriplet.Plots package
// README:end
using MlNetTriplet.Tests.Tabular;

namespace MlNetTriplet.Tests.Readme;

/// <summary>The README's tabular block: the bank-marketing CSV through ML.NET's transforms into the network, its
/// evaluation and ROC curve.</summary>
[TestClass]
public sealed class BankMarketingSnippet
{
    [TestMethod]
    public void BankMarketingSnippet_TrainsEvaluatesAndPlotsTheRocCurve()
    {
        string folder = TestData.TempDirectory();
        try
        {
            // Every fourth customer of the Kaggle file (both classes, 2,791 rows), for a test of seconds.
            var lines = File.ReadAllLines(BankData.Kaggle);
            File.WriteAllLines(Path.Combine(folder, "bank.csv"), [lines[0], .. lines.Skip(1).Where((_, i) => i % 4 == 0)]);
            BinaryClassificationMetrics? evaluated = null;
            ReadmeSnippets.InFolder(folder, () =>
            {
                // README:start
                var ml = new MLContext(seed: 0);
                IDataView bank = ml.Data.LoadFromTextFile("bank.csv", separatorChar: ',', hasHeader: true, columns:
                [
                    new("age", DataKind.Single, 0), new("job", DataKind.String, 1), new("balance", DataKind.Single, 5),
                    new("month", DataKind.String, 10), new("duration", DataKind.Single, 11), new("deposit", DataKind.String, 16),
                ]);
                var split = ml.Data.StratifiedTrainTestSplit(bank, 0.2, "deposit", seed: 0);
                var pipeline = ml.Transforms.Conversion.MapValue("Label", [new KeyValuePair<string, bool>("yes", true), new("no", false)], "deposit")
                    .Append(ml.Transforms.Categorical.OneHotEncoding([new InputOutputColumnPair("jobHot", "job"), new("monthHot", "month")]))
                    .Append(ml.Transforms.Concatenate("Numeric", "age", "balance", "duration"))
                    .Append(ml.Transforms.NormalizeMeanVariance("Numeric", fixZero: false))
                    .Append(ml.Transforms.Concatenate("Features", "Numeric", "jobHot", "monthHot"))
                    .Append(ml.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options
                    {
                        NumberOfEpochs = 10, L2 = 1e-3,
                        Architecture = new MlpArchitecture { HiddenLayers = [64, 128, 64], InputDropout = 0.2f, HiddenDropout = 0.2f },
                    }));
                var model = pipeline.Fit(split.TrainSet);
                var scored = model.Transform(split.TestSet);
                var metrics = ml.BinaryClassification.Evaluate(scored);   // AUC, accuracy, precision, recall, F1
                var roc = RocCurve.FromScores("network", scored.GetColumn<bool>("Label").ToArray(),
                    scored.GetColumn<float>("Score").ToArray());
                TrainingPlots.SaveRocCurves([roc], "roc.png", $"Validation: AUC {roc.Auc:F3}");
                // README:end
                evaluated = metrics;
            });

            Assert.IsGreaterThan(0.8, evaluated!.AreaUnderRocCurve);
            Assert.IsTrue(new FileInfo(Path.Combine(folder, "roc.png")).Length > 0);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
