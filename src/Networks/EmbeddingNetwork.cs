using MlNetTriplet.Checks;
using System.Text.Json.Serialization;
using MlNetTriplet.Export;
using MlNetTriplet.Native;
using MlNetTriplet.Networks.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MlNetTriplet.Networks;

/// <summary>A network that maps one input row to an embedding: a backbone (<see cref="CnnModule"/> for images,
/// an MLP for plain vectors) whose last linear layer has the embedding's size, optional batch norm, an optional
/// activation (the Keras triplet tutorial's ReLU) and optional L2 normalisation (FaceNet, the TF-Addons tutorial).</summary>
internal sealed class EmbeddingNetwork : Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Module<Tensor, Tensor> backbone;
    private readonly BatchNorm1d? batchnorm;
    private readonly Module<Tensor, Tensor>? activation;
    private readonly L2Normalization? normalize;

    public EmbeddingNetwork(EmbeddingNetworkSpec spec) : base(LibTorch.Loaded(nameof(EmbeddingNetwork)))
    {
        backbone = spec.Cnn is not null
            ? new CnnModule(spec.Cnn, spec.ImageShape ?? throw new ArgumentException("A CNN needs the image shape."), spec.EmbeddingSize)
            : new MlpModule(spec.Mlp ?? TripletEmbeddingOptions.DefaultMlp, spec.InputSize, spec.EmbeddingSize);
        batchnorm = spec.BatchNorm ? BatchNorm1d(spec.EmbeddingSize) : null;
        activation = spec.EmbeddingActivation is Activation a ? ActivationLayer.Create(a) : null;
        normalize = spec.Normalize ? new L2Normalization() : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = backbone.forward(x);
        if (batchnorm is not null)
            y = batchnorm.forward(y);
        if (activation is not null)
            y = activation.forward(y);
        return normalize is null ? y : normalize.forward(y);
    }

    public string ExportOnnx(OnnxGraphWriter onnx, string input)
    {
        string y = OnnxLayers.Export(onnx, "backbone", backbone, input);
        if (batchnorm is not null)
            y = OnnxLayers.Export(onnx, "batchnorm", batchnorm, y);
        if (activation is not null)
            y = OnnxLayers.Export(onnx, "activation", activation, y);
        return normalize is null ? y : OnnxLayers.Export(onnx, "normalize", normalize, y);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            backbone.Dispose();
            batchnorm?.Dispose();
            activation?.Dispose();
            normalize?.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>Everything needed to rebuild an <see cref="EmbeddingNetwork"/> (persisted as JSON beside the weights).
/// Exactly one of <see cref="Cnn"/> (with <see cref="ImageShape"/>) and <see cref="Mlp"/> is set; <see cref="BatchNorm"/>
/// (batch norm on the embedding layer's output) is absent from zips saved before it existed, which had none.</summary>
internal sealed record EmbeddingNetworkSpec(int InputSize, ImageShape? ImageShape, CnnArchitecture? Cnn,
    MlpArchitecture? Mlp, int EmbeddingSize, Activation? EmbeddingActivation, bool Normalize, bool BatchNorm = false)
{
    /// <summary>Shape of one input row as the network takes it: C x H x W for a CNN, the vector for an MLP.</summary>
    [JsonIgnore]
    public long[] RowShape => ImageShape is { } s && Cnn is not null ? [s.Channels, s.Height, s.Width] : [InputSize];

    /// <summary>Throws naming the first value the network cannot be built from (a damaged or edited model zip).</summary>
    public void Check(OptionChecks check)
    {
        check.Accepts(InputSize >= 1, "inputs", InputSize, "at least 1");
        ImageShape?.Validate(check, nameof(ImageShape));
        check.Compatible(Cnn is null || Mlp is null, "Mlp", Mlp is null ? null : OptionChecks.Set, "Architecture",
            Cnn is null ? null : OptionChecks.Set, "one of them");
        Cnn?.Validate(check.Inside("Architecture"));
        Mlp?.Validate(check.Inside("Mlp"));
        check.Accepts(EmbeddingSize >= 1, nameof(EmbeddingSize), EmbeddingSize, "at least 1");
        if (EmbeddingActivation is { } activation)
            check.Defined(activation, nameof(EmbeddingActivation));
    }
}
