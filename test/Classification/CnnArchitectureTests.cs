using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Classification;

[TestClass]
public sealed class CnnArchitectureTests
{
    [TestMethod]
    public void Fit_WithBatchNormAndGlobalAveragePoolHead_LearnsAndRoundTrips()
    {
        var ml = new MLContext(seed: 3);
        var train = TestData.FashionTrain(ml, 1500);
        var test = TestData.FashionTest(ml, 300);
        var options = new CnnClassifierTrainer.Options
        {
            NumberOfEpochs = 3,
            Architecture = new CnnArchitecture
            {
                Blocks =
                [
                    new ConvBlock { Filters = 16, BatchNorm = true },
                    new ConvBlock { Filters = 32, BatchNorm = true, Dropout = 0.1f },
                    new ConvBlock { Filters = 32, BatchNorm = true, Pooling = Pooling.None, Activation = Activation.Gelu },
                ],
                Head = CnnHead.GlobalAveragePool,
                HeadDropout = 0.1f,
            },
        };
        var model = TrainedCnn.Pipeline(ml, options).Fit(train);
        var scored = model.Transform(test);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.IsGreaterThan(0.5, metrics.MicroAccuracy, $"accuracy {metrics.MicroAccuracy} (chance 0.1)");

        // Batch-norm running statistics are buffers: the zip must carry them for identical scores.
        string dir = TestData.TempDirectory();
        try
        {
            string zip = Path.Combine(dir, "bn-gap.zip");
            ml.Model.Save(model, train.Schema, zip);
            var loaded = new MLContext().Model.Load(zip, out _);
            var expected = scored.GetColumn<float[]>("Score").ToArray();
            var actual = loaded.Transform(test).GetColumn<float[]>("Score").ToArray();
            for (int i = 0; i < expected.Length; i++)
                CollectionAssert.AreEqual(expected[i], actual[i], $"row {i}");
            var cnn = ((IEnumerable<ITransformer>)loaded).OfType<CnnClassifierTransformer>().Single();
            Assert.AreEqual(CnnHead.GlobalAveragePool, cnn.Architecture.Head);
            Assert.IsTrue(cnn.Architecture.Blocks.All(b => b.BatchNorm));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void Fit_WithSgdStepScheduleAndL2_Learns()
    {
        var ml = new MLContext(seed: 4);
        var options = new CnnClassifierTrainer.Options
        {
            NumberOfEpochs = 3, Optimizer = OptimizerKind.Sgd, LearningRate = 0.05, Momentum = 0.9,
            LearningRateSchedule = LearningRateSchedule.Step, LearningRateStepEpochs = 2, LearningRateDecay = 0.5,
            L2 = 1e-4, GradientClipNorm = 5,
        };
        var model = TrainedCnn.Pipeline(ml, options).Fit(TestData.FashionTrain(ml, 1500));
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(TestData.FashionTest(ml, 300)));
        Assert.IsGreaterThan(0.6, metrics.MicroAccuracy, $"accuracy {metrics.MicroAccuracy} (chance 0.1)");
        var cnn = ((IEnumerable<ITransformer>)model).OfType<CnnClassifierTransformer>().Single();
        CollectionAssert.AreEqual(new[] { 0.05, 0.05, 0.025 }, cnn.History!.Epochs.Select(e => e.LearningRate).ToArray());
    }
}
