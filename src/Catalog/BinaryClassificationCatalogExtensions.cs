using Microsoft.ML.Data;
using MlNetTriplet;

namespace Microsoft.ML;

/// <summary>MlNetTriplet's binary trainers on <c>mlContext.BinaryClassification.Trainers</c>.</summary>
public static class BinaryClassificationCatalogExtensions
{
    // Named NeuralNetwork, not Mlp: ML.NET names its trainers after the model family in words (LightGbm, FastTree,
    // SdcaLogisticRegression, AveragedPerceptron), and "neural network" is what a user browsing the catalog looks for.

    /// <summary>A feed-forward neural network binary classifier with default options except the column names.</summary>
    /// <param name="catalog">The binary trainers catalog.</param>
    /// <param name="labelColumnName">Boolean label column (or a key of two values).</param>
    /// <param name="featureColumnName"><c>Vector&lt;Single&gt;</c> feature column.</param>
    public static NeuralNetworkBinaryTrainer NeuralNetwork(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features") =>
        catalog.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName,
        });

    /// <summary>A feed-forward neural network binary classifier.</summary>
    /// <param name="catalog">The binary trainers catalog.</param>
    /// <param name="options">Network, training and column options.</param>
    public static NeuralNetworkBinaryTrainer NeuralNetwork(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        NeuralNetworkBinaryTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new NeuralNetworkBinaryTrainer(catalog.GetEnvironment(), options);
    }
}
