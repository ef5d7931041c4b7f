using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Tests.Classification;
using MlNetTriplet.Tests.Embeddings;

namespace MlNetTriplet.Tests.Prediction;

/// <summary><c>mlContext.Model.CreateConcurrentPredictor</c>: one predictor shared by 8 threads that predict at the same
/// time gives every row what the batch <c>Transform</c> gives it (one shared PredictionEngine does not).</summary>
[TestClass]
public sealed class ConcurrentPredictorTests
{
    private const int Threads = 8, PredictionsPerThread = 300;

    [TestMethod]
    public void Predict_From8ThreadsAtOnce_CnnScoresMatchTheBatchTransform() =>
        AssertMatchesBatchTransform(TrainedCnn.Context, TrainedCnn.Model, TrainedCnn.Test, "Score");

    [TestMethod]
    public void Predict_From8ThreadsAtOnce_TripletEmbeddingsMatchTheBatchTransform() =>
        AssertMatchesBatchTransform(TrainedEmbedding.Context, TrainedEmbedding.Model, TrainedEmbedding.Test, "Embedding");

    [TestMethod]
    public void Predict_From8ThreadsAtOnce_UmapPositionsMatchTheBatchTransform()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Transforms.ProjectToUmap("Umap", "Features", new UmapOptions { EpochCount = 100 })
            .Fit(TestData.FashionTrain(ml, 1000));
        AssertMatchesBatchTransform(ml, model, TestData.FashionTest(ml, 200), "Umap");
    }

    [TestMethod]
    public void CreateConcurrentPredictor_RowClassWithoutTheModelsInput_FailsAtCreation()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            TrainedCnn.Context.Model.CreateConcurrentPredictor<Output, Output>(TrainedCnn.Model));
        StringAssert.Contains(e.Message, "Could not find input column");
    }

    private static void AssertMatchesBatchTransform(MLContext ml, ITransformer model, IDataView data, string column)
    {
        var rows = ml.Data.CreateEnumerable<Row>(data, reuseRowObject: false).ToArray();
        var expected = model.Transform(data).GetColumn<float[]>(column).ToArray();
        var outputs = SchemaDefinition.Create(typeof(Output));
        outputs[nameof(Output.Values)].ColumnName = column;
        var predictor = ml.Model.CreateConcurrentPredictor<Row, Output>(model, outputSchemaDefinition: outputs);

        int mismatches = 0;
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();   // every thread predicts at the same time, each its own sequence of rows
            for (int k = 0; k < PredictionsPerThread; k++)
            {
                int row = (t * 101 + k * 7) % rows.Length;
                var values = predictor.Predict(rows[row]).Values;
                if (values.Length != expected[row].Length || values.Where((v, i) => Math.Abs(v - expected[row][i]) > 1e-5f).Any())
                    Interlocked.Increment(ref mismatches);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        Task.WaitAll(threads);
        Assert.AreEqual(0, mismatches, $"{mismatches} of {Threads * PredictionsPerThread} predictions differ from the batch Transform");
    }

    private sealed class Row
    {
        [VectorType(784)]
        public float[] Features { get; set; } = [];

        public uint Label { get; set; }
    }

    private sealed class Output
    {
        public float[] Values { get; set; } = [];
    }
}
