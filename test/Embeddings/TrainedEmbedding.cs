using Microsoft.ML;
using Microsoft.ML.Transforms;

namespace MlNetTriplet.Tests.Embeddings;

/// <summary>A semi-hard triplet embedding trained once on real Fashion-MNIST rows, shared by the tests that only read it.</summary>
internal static class TrainedEmbedding
{
    public const int TrainRows = 3000, TestRows = 500;
    private static readonly Lazy<(MLContext, IDataView, IDataView, ITransformer)> Shared = new(Fit);

    public static MLContext Context => Shared.Value.Item1;
    public static IDataView Train => Shared.Value.Item2;
    public static IDataView Test => Shared.Value.Item3;
    public static ITransformer Model => Shared.Value.Item4;

    public static IEstimator<ITransformer> Pipeline(MLContext ml, TripletEmbeddingOptions options) =>
        ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(ml.Transforms.TripletEmbedding(options));

    private static (MLContext, IDataView, IDataView, ITransformer) Fit()
    {
        var ml = new MLContext(seed: 1);
        var train = TestData.FashionTrain(ml, TrainRows);
        var test = TestData.FashionTest(ml, TestRows);
        var options = TripletEmbeddingOptions.SemiHardRecipe();
        options.NumberOfEpochs = 2;
        return (ml, train, test, Pipeline(ml, options).Fit(train));
    }

    /// <summary>Fraction of <paramref name="queries"/> whose nearest (Euclidean) reference row has the same label.</summary>
    public static double NearestNeighbourAccuracy(float[][] queries, uint[] queryLabels, float[][] references, uint[] referenceLabels)
    {
        int correct = 0;
        for (int q = 0; q < queries.Length; q++)
        {
            int best = -1;
            double bestDistance = double.MaxValue;
            for (int r = 0; r < references.Length; r++)
            {
                double s = 0;
                for (int k = 0; k < queries[q].Length; k++)
                {
                    double diff = queries[q][k] - references[r][k];
                    s += diff * diff;
                }
                if (s < bestDistance)
                    (bestDistance, best) = (s, r);
            }
            if (referenceLabels[best] == queryLabels[q])
                correct++;
        }
        return (double)correct / queries.Length;
    }
}
