using Microsoft.ML.Data;

namespace MlNetTriplet;

/// <summary>Options shared by the binary and multiclass feed-forward network classifiers
/// (<see cref="NeuralNetworkBinaryTrainer"/>, <see cref="NeuralNetworkMulticlassTrainer"/>). Defaults follow the
/// bank-marketing recipe: hidden layers 64-128-64 with ReLU, Adam 0.001, batch 64, 10 epochs, no regularisation.</summary>
public abstract class NeuralNetworkOptions : NetworkTrainingOptions
{
    /// <summary>Label column. Default <c>"Label"</c>.</summary>
    public string LabelColumnName { get; set; } = DefaultColumnNames.Label;

    /// <summary><c>Vector&lt;Single&gt;</c> column of known size holding each row's features (e.g. from
    /// <c>Concatenate</c> after <c>OneHotEncoding</c> and <c>NormalizeMeanVariance</c>). Default <c>"Features"</c>.</summary>
    public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

    /// <summary>The network: hidden layers, activation, input and hidden dropout, batch norm. Default
    /// <see cref="MlpArchitecture"/>'s defaults (64-128-64, ReLU, no dropout).</summary>
    public MlpArchitecture Architecture { get; set; } = new();

    internal override void Validate()
    {
        base.Validate();
        if (string.IsNullOrWhiteSpace(LabelColumnName))
            throw new ArgumentException("LabelColumnName must name a column.", nameof(LabelColumnName));
        if (string.IsNullOrWhiteSpace(FeatureColumnName))
            throw new ArgumentException("FeatureColumnName must name a column.", nameof(FeatureColumnName));
        (Architecture ?? throw new ArgumentNullException(nameof(Architecture))).Validate();
        if (Architecture.BatchNorm && BatchSize < 2)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), "Option BatchSize must be at least 2 with MlpArchitecture.BatchNorm.");
    }
}
