using MlNetTriplet.Checks;

namespace MlNetTriplet;

/// <summary>A feed-forward network for feature vectors: optional input dropout, then per hidden layer a linear layer,
/// optional batch normalisation, the activation and optional dropout, then a linear output layer. The default is the
/// bank-marketing recipe (three hidden layers of 64, 128 and 64 ReLU units, no dropout).</summary>
public sealed record MlpArchitecture
{
    /// <summary>Widths of the hidden layers, input side first. Default [64, 128, 64].</summary>
    public IReadOnlyList<int> HiddenLayers { get; init; } = [64, 128, 64];

    /// <summary>Activation after every hidden layer. Default <see cref="MlNetTriplet.Activation.Relu"/>.</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>Dropout probability applied to the input features (training only). Default 0 (off).</summary>
    public float InputDropout { get; init; }

    /// <summary>Dropout probability after every hidden layer's activation (training only). Default 0 (off).</summary>
    public float HiddenDropout { get; init; }

    /// <summary>Batch normalisation between each hidden linear layer and its activation. Training batches then need at
    /// least two rows. Default false.</summary>
    public bool BatchNorm { get; init; }

    /// <summary>Throws naming the first invalid option; <paramref name="check"/> names this object as the user reaches it
    /// (default: "MlpArchitecture").</summary>
    internal void Validate(OptionChecks? check = null)
    {
        var c = check ?? new OptionChecks(nameof(MlpArchitecture));
        c.Accepts(HiddenLayers is not null && HiddenLayers.All(u => u >= 1), nameof(HiddenLayers), HiddenLayers,
            "widths of at least 1 (none makes a linear model)");
        c.Defined(Activation, nameof(Activation));
        c.Accepts(InputDropout is >= 0 and < 1, nameof(InputDropout), InputDropout, "a number in [0, 1)");
        c.Accepts(HiddenDropout is >= 0 and < 1, nameof(HiddenDropout), HiddenDropout, "a number in [0, 1)");
    }
}
