using MlNetTriplet.Export;
using M = TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MlNetTriplet.Networks.Layers;

/// <summary>The non-linearities: the module each <see cref="Activation"/> is, and the ONNX nodes of every activation
/// module our networks and torchvision's hold (ReLU6 is MobileNetV2's).</summary>
internal static class ActivationLayer
{
    public static Module<Tensor, Tensor> Create(Activation activation) => activation switch
    {
        Activation.Relu => ReLU(),
        Activation.LeakyRelu => LeakyReLU(0.01),
        Activation.Elu => ELU(),
        Activation.Gelu => GELU(),
        Activation.Tanh => Tanh(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };

    public static bool IsActivation(Module module) => module is M.ReLU or M.LeakyReLU or M.ELU or M.GELU or M.Tanh or M.ReLU6;

    public static string ExportOnnx(OnnxGraphWriter onnx, Module module, string input) => module switch
    {
        M.ReLU => onnx.Node("Relu", [input]),
        M.LeakyReLU leaky => onnx.Node("LeakyRelu", [input], node => node.AddAttribute("alpha", leaky.negative_slope)),
        M.ELU elu => onnx.Node("Elu", [input], node => node.AddAttribute("alpha", elu.alpha)),
        M.GELU { approximate: M.GELU.Approximate.none } => Gelu(onnx, input),
        M.Tanh => onnx.Node("Tanh", [input]),
        // min(max(x, 0), 6): Clip's bounds moved from attributes to inputs at opset 11; Min reads the same in 9-12.
        M.ReLU6 => onnx.Node("Min", [onnx.Node("Relu", [input]), onnx.Floats("six", [6f], 1)]),
        _ => throw new NotSupportedException($"{module.GetType().Name} has no ONNX export here (ReLU, LeakyReLU, ELU, exact GELU, Tanh, ReLU6)."),
    };

    /// <summary>Exact GELU as libtorch computes it, x * 0.5 * (1 + erf(x / sqrt 2)): ONNX has no Gelu before opset 20.</summary>
    private static string Gelu(OnnxGraphWriter onnx, string x)
    {
        string erf = onnx.Node("Erf", [onnx.Node("Mul", [x, onnx.Floats("sqrt_half", [MathF.Sqrt(0.5f)], 1)])]);
        string onePlus = onnx.Node("Add", [erf, onnx.Floats("one", [1f], 1)]);
        return onnx.Node("Mul", [onnx.Node("Mul", [x, onnx.Floats("half", [0.5f], 1)]), onePlus]);
    }
}
