using Microsoft.ML.Data;
using MlNetTriplet.Checks;

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
        var check = OptionChecks.For(this);
        check.ColumnName(LabelColumnName, nameof(LabelColumnName));
        check.ColumnName(FeatureColumnName, nameof(FeatureColumnName));
        check.Required(Architecture, nameof(Architecture), "an MlpArchitecture").Validate(check.Inside(nameof(Architecture)));
        check.Compatible(!Architecture.BatchNorm || BatchSize >= 2, nameof(BatchSize), BatchSize, "Architecture.BatchNorm",
            Architecture.BatchNorm, "at least 2 rows per batch with batch normalisation");
    }
}
