namespace MlNetTriplet;

/// <summary>A fully connected network for plain feature vectors: hidden layers (linear, activation, dropout), then a
/// linear output layer.</summary>
public sealed record MlpArchitecture
{
    /// <summary>Hidden layer widths in order. Default [256, 128].</summary>
    public IReadOnlyList<int> HiddenUnits { get; init; } = [256, 128];

    /// <summary>Activation after each hidden layer. Default <see cref="Activation.Relu"/>.</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>Dropout probability after each hidden layer. Default 0.</summary>
    public float Dropout { get; init; }

    internal void Validate()
    {
        if (HiddenUnits is null || HiddenUnits.Any(u => u < 1))
            throw new ArgumentException("MlpArchitecture.HiddenUnits must all be at least 1.", nameof(HiddenUnits));
        if (Dropout is < 0 or >= 1)
            throw new ArgumentException($"MlpArchitecture.Dropout must be in [0, 1) (got {Dropout}).", nameof(Dropout));
    }
}
