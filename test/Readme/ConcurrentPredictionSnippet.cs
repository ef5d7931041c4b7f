using Microsoft.ML;
// README:start
using Microsoft.ML.Data;   // VectorType
// README:end
using MlNetTriplet.Tests.Classification;

namespace MlNetTriplet.Tests.Readme;

/// <summary>The README's block on predictions from many threads at once.</summary>
[TestClass]
public sealed class ConcurrentPredictionSnippet
{
    [TestMethod]
    public void ConcurrentPredictionSnippet_AnswersEveryRequestAsTheBatchTransformDoes()
    {
        var (ml, model, test) = (TrainedCnn.Context, TrainedCnn.Model, TrainedCnn.Test);

        // README:start
        var predictor = ml.Model.CreateConcurrentPredictor<FashionImage, FashionPrediction>(model);
        FashionImage[] requests = ml.Data.CreateEnumerable<FashionImage>(test, reuseRowObject: false).Take(1000).ToArray();
        var answers = new FashionPrediction[requests.Length];
        Parallel.For(0, requests.Length, i => answers[i] = predictor.Predict(requests[i]));   // one predictor, any threads
        // README:end

        var expected = model.Transform(test).GetColumn<uint>("PredictedLabel").Take(requests.Length).ToArray();
        CollectionAssert.AreEqual(expected, answers.Select(a => a.PredictedLabel).ToArray());
    }
}

// README:start
public sealed class FashionImage
{
    [VectorType(784)] public float[] Features { get; set; } = [];
    public uint Label { get; set; }
}

public sealed class FashionPrediction
{
    public float[] Score { get; set; } = [];
    public uint PredictedLabel { get; set; }
}
// README:end
