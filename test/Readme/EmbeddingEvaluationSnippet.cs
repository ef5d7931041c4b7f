using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Tests.Embeddings;

namespace MlNetTriplet.Tests.Readme;

/// <summary>The README's embedding evaluation and projector export block, on a trained triplet model.</summary>
[TestClass]
public sealed class EmbeddingEvaluationSnippet
{
    [TestMethod]
    public void EmbeddingEvaluationSnippet_ScoresExportsAndReloads()
    {
        var (ml, model) = (TrainedEmbedding.Context, TrainedEmbedding.Model);
        IDataView train = TrainedEmbedding.Train, test = TrainedEmbedding.Test;
        string folder = TestData.TempDirectory();
        try
        {
            EmbeddingMetrics? first = null, second = null;
            IDataView? reloaded = null;
            ReadmeSnippets.InFolder(folder, () =>
            {
                // README:start
                EmbeddingMetrics m = ml.Embeddings().Evaluate(model.Transform(test), "Embedding", "Label");
                Console.WriteLine(m);   // P@1 0.8123, R-precision 0.6, MAP@R 0.5, 10-NN accuracy 0.85 (leave-one-out), NMI 0.7; ...
                var withTrain = ml.Embeddings().Evaluate(model.Transform(test), reference: model.Transform(train),
                    options: new EmbeddingEvaluationOptions { KnnNeighborCount = 5, Distance = DistanceMetric.Cosine });
                ml.Embeddings().ExportForProjector(model.Transform(test), "projector");     // vecs.tsv + meta.tsv
                IDataView saved = ml.Embeddings().LoadFromProjectorTsv("projector");        // Embedding + Label, exact floats
                // README:end
                (first, second, reloaded) = (m, withTrain, saved);
            });

            Assert.IsGreaterThan(0.5, first!.PrecisionAt1);
            Assert.IsGreaterThan(0.5, second!.KnnAccuracy);
            Assert.AreEqual(TrainedEmbedding.TestRows, reloaded!.GetColumn<float[]>("Embedding").Count());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
