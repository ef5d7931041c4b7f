using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Tabular;

/// <summary>A binary network trained once on the Kaggle bank file (80/20 stratified, seed 0, 3 epochs) and shared by
/// the tests that only read it.</summary>
internal static class TrainedBankNetwork
{
    private static readonly Lazy<(MLContext, DataOperationsCatalog.TrainTestData, ITransformer)> Shared = new(Fit);

    public static MLContext Context => Shared.Value.Item1;
    public static IDataView Train => Shared.Value.Item2.TrainSet;
    public static IDataView Validation => Shared.Value.Item2.TestSet;
    public static ITransformer Model => Shared.Value.Item3;

    public static NeuralNetworkBinaryTrainer.Options Options(int epochs = 3, int seed = 0) => new()
    {
        NumberOfEpochs = epochs,
        Seed = seed,
    };

    private static (MLContext, DataOperationsCatalog.TrainTestData, ITransformer) Fit()
    {
        var ml = new MLContext(seed: 1);
        var split = BankData.KaggleSplit(ml);
        var model = BankData.Preprocessing(ml).Append(ml.BinaryClassification.Trainers.NeuralNetwork(Options())).Fit(split.TrainSet);
        return (ml, split, model);
    }
}
