using MlNetTriplet.Export;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MlNetTriplet.Backbones;

/// <summary>The fixed first layer of a backbone: turns RGB in [0, 1] into what its weights were trained on. Its
/// constants are buffers (<c>mean</c>, <c>std</c>), so they are saved with the network; nothing here is trained.</summary>
internal sealed class InputNormalization : Module<Tensor, Tensor>, IOnnxExportable
{
    private static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f], ImageNetStd = [0.229f, 0.224f, 0.225f];

    private readonly Tensor mean;
    private readonly Tensor std;
    private readonly BackboneSpec _spec;
    private readonly bool _bgr;
    private readonly float _inputScale;

    public InputNormalization(BackboneSpec spec) : base(nameof(InputNormalization))
    {
        _spec = spec;
        if (spec.Preprocessing == BackbonePreprocessing.CntkBgrMeanImage)
        {
            // Loaded from ResNetPreprocess.onnx (or from a saved model); CNTK saw BGR pixels in 0-255.
            mean = zeros(1, 3, spec.ImageSize, spec.ImageSize);
            std = ones(1, 3, 1, 1);
            _bgr = true;
            _inputScale = 255f;
        }
        else
        {
            mean = tensor(ImageNetMean, [1, 3, 1, 1]);
            std = tensor(ImageNetStd, [1, 3, 1, 1]);
            _inputScale = 1f;
        }
        RegisterComponents();
    }

    /// <summary>N x 3 x H x W float32 RGB in [0, 1] to the network's input; any other input fails with a message
    /// that names the backbone and the expected shape, before libtorch sees it.</summary>
    public override Tensor forward(Tensor x)
    {
        Check(x);
        var y = _bgr ? x.flip(1) : x;
        if (_inputScale != 1f)
            y = y * _inputScale;
        return y.sub(mean).div_(std);
    }

    /// <summary>The same steps in the same order: channels reversed (Gather), scaled, minus the mean (per channel or
    /// the CNTK mean image), over the std.</summary>
    public string ExportOnnx(OnnxGraphWriter onnx, string input)
    {
        string y = _bgr
            ? onnx.Node("Gather", [input, onnx.Int64s("bgr", [2, 1, 0], 3)], node => node.AddAttribute("axis", 1L))
            : input;
        if (_inputScale != 1f)
            y = onnx.Node("Mul", [y, onnx.Floats("input_scale", [_inputScale], 1)]);
        return onnx.Node("Div", [onnx.Node("Sub", [y, onnx.Weights("mean", mean)]), onnx.Weights("std", std)]);
    }

    /// <summary>Sets the CNTK mean image (1 x 3 x 224 x 224, BGR order).</summary>
    public void SetMeanImage(Tensor meanImage)
    {
        using var noGrad = no_grad();
        mean.copy_(meanImage);
    }

    /// <summary>The constants as a PyTorch-friendly dictionary: the network input is
    /// <c>(x[:, channel_order] * input_scale - mean) / std</c> for <c>x</c> RGB in [0, 1].</summary>
    public Dictionary<string, Tensor> Constants() => new(StringComparer.Ordinal)
    {
        ["mean"] = mean,
        ["std"] = std,
        ["input_scale"] = tensor(_inputScale),
        ["channel_order"] = tensor(_bgr ? new long[] { 2, 1, 0 } : [0, 1, 2]),
    };

    private void Check(Tensor x)
    {
        int required = _spec.RequiredImageSize;
        bool sizeOk = x.dim() == 4 && (required > 0
            ? x.shape[2] == required && x.shape[3] == required
            : x.shape[2] >= BackboneSpec.MinimumImageSize && x.shape[3] >= BackboneSpec.MinimumImageSize);
        if (sizeOk && x.shape[1] == 3 && x.dtype == ScalarType.Float32)
            return;
        string size = required > 0
            ? $"{required} x {required} (exactly: its preprocessing subtracts a {required} x {required} mean image)"
            : $"H x W (at least {BackboneSpec.MinimumImageSize} x {BackboneSpec.MinimumImageSize}; {_spec.ImageSize} x {_spec.ImageSize} by default)";
        throw new ArgumentException(
            $"Backbone '{_spec.Name}' takes N x 3 x {size} float32 RGB images in [0, 1]; got [{string.Join(", ", x.shape)}] {x.dtype}.",
            nameof(x));
    }
}
