using System.Reflection;
using MlNetTriplet.Export;
using MlNetTriplet.Networks.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MlNetTriplet.Backbones;

/// <summary>The ONNX nodes of the residual blocks TorchVision keeps private (ResNet's <c>BasicBlock</c> and
/// <c>Bottleneck</c>, MobileNetV2's <c>InvertedResidual</c>), read from their registered children (torchvision's
/// names), and of our own CNTK <see cref="CntkBasicBlock"/>: relu(main path + shortcut), the shortcut being the
/// <c>downsample</c> child when there is one, the block's input otherwise.</summary>
internal static class TorchVisionBlocks
{
    private static readonly string[] BasicBlockPath = ["conv1", "bn1", "relu1", "conv2", "bn2"];
    private static readonly string[] BottleneckPath = ["conv1", "bn1", "relu1", "conv2", "bn2", "relu2", "conv3", "bn3"];

    public static bool Handles(nn.Module module) => Kind(module) is not null;

    public static string ExportOnnx(OnnxGraphWriter onnx, nn.Module module, string input) => Kind(module) switch
    {
        "BasicBlock" => Residual(onnx, module, BasicBlockPath, input),
        "Bottleneck" => Residual(onnx, module, BottleneckPath, input),
        "InvertedResidual" => InvertedResidual(onnx, module, input),
        _ => throw new ArgumentException($"{module.GetType().Name} is not a TorchVision residual block.", nameof(module)),
    };

    /// <summary>relu(the children <paramref name="mainPath"/> in order + shortcut), as the ResNet blocks compute it.</summary>
    public static string Residual(OnnxGraphWriter onnx, nn.Module block, string[] mainPath, string input)
    {
        var children = block.named_children().ToDictionary(c => c.name, c => c.module);
        string main = mainPath.Aggregate(input, (x, name) => OnnxLayers.Export(onnx, name, children[name], x));
        string shortcut = children.TryGetValue("downsample", out var downsample)
            ? OnnxLayers.Export(onnx, "downsample", downsample, input)
            : input;
        return onnx.Node("Relu", [onnx.Node("Add", [main, shortcut])]);
    }

    /// <summary>MobileNetV2's block: its <c>conv</c> sequence, plus the input when the block keeps the shape
    /// (TorchVision's <c>use_res_connect</c>: stride 1, as many channels out as in).</summary>
    private static string InvertedResidual(OnnxGraphWriter onnx, nn.Module block, string input)
    {
        var conv = block.named_children().Single(c => c.name == "conv").module;
        string output = OnnxLayers.Export(onnx, "conv", conv, input);
        var flag = block.GetType().GetField("use_res_connect", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new NotSupportedException("this TorchVision's InvertedResidual has no use_res_connect field to read.");
        return (bool)flag.GetValue(block)! ? onnx.Node("Add", [input, output]) : output;
    }

    /// <summary>The block's TorchVision class name, or null for any other module.</summary>
    private static string? Kind(nn.Module module)
    {
        var type = module.GetType();
        return (type.DeclaringType, type.Name) switch
        {
            (var owner, "BasicBlock" or "Bottleneck") when owner == typeof(ResNet) => type.Name,
            (var owner, "InvertedResidual") when owner == typeof(MobileNetV2) => type.Name,
            _ => null,
        };
    }
}
