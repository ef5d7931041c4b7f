using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MlNetTriplet.Tests.Classification;

/// <summary>A small CNN trained once on real Fashion-MNIST rows and shared by the tests that only read it.</summary>
internal static class TrainedCnn
{
    public const int TrainRows = 3000, TestRows = 1000;
    private static readonly Lazy<(MLContext, IDataView, IDataView, ITransformer)> Shared = new(Fit);

    public static MLContext Context => Shared.Value.Item1;
    public static IDataView Train => Shared.Value.Item2;
    public static IDataView Test => Shared.Value.Item3;
    public static ITransformer Model => Shared.Value.Item4;

    public static EstimatorChain<CnnClassifierTransformer> Pipeline(MLContext ml, CnnClassifierTrainer.Options options) =>
        ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(ml.MulticlassClassification.Trainers.Cnn(options));

    private static (MLContext, IDataView, IDataView, ITransformer) Fit()
    {
        var ml = new MLContext(seed: 1);
        var train = TestData.FashionTrain(ml, TrainRows);
        var test = TestData.FashionTest(ml, TestRows);
        var model = Pipeline(ml, new CnnClassifierTrainer.Options { NumberOfEpochs = 3 }).Fit(train);
        return (ml, train, test, model);
    }
}
