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

    internal void Validate()
    {
        if (HiddenLayers is null || HiddenLayers.Any(u => u < 1))
            throw new ArgumentException("MlpArchitecture.HiddenLayers must be a list of widths of at least 1 (it may be empty: a linear model).",
                nameof(HiddenLayers));
        if (InputDropout is < 0 or >= 1)
            throw new ArgumentException($"MlpArchitecture.InputDropout must be in [0, 1) (got {InputDropout}).", nameof(InputDropout));
        if (HiddenDropout is < 0 or >= 1)
            throw new ArgumentException($"MlpArchitecture.HiddenDropout must be in [0, 1) (got {HiddenDropout}).", nameof(HiddenDropout));
        if (!Enum.IsDefined(Activation))
            throw new ArgumentException($"MlpArchitecture.Activation {Activation} is not a known activation.", nameof(Activation));
    }
}
