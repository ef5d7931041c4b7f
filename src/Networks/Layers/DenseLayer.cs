using MlNetTriplet.Export;
using TorchSharp.Modules;

namespace MlNetTriplet.Networks.Layers;

/// <summary>Fully connected layers and the flattening before them: a TorchSharp <see cref="Linear"/> is ONNX's
/// <c>Gemm</c> (x W^T + b), <see cref="Flatten"/> from dimension 1 is ONNX's <c>Flatten</c>.</summary>
internal static class DenseLayer
{
    public static string ExportOnnx(OnnxGraphWriter onnx, Linear linear, string input)
    {
        // Gemm's bias is optional from opset 11 only; a layer without one gets zeros.
        string bias = linear.bias is { } b ? onnx.Weights("bias", b)
            : onnx.Floats("bias", new float[linear.out_features], linear.out_features);
        return onnx.Node("Gemm", [input, onnx.Weights("weight", linear.weight), bias], node => node.AddAttribute("transB", 1L));
    }

    public static string ExportOnnx(OnnxGraphWriter onnx, Flatten flatten, string input) =>
        flatten.start_dim == 1 && flatten.end_dim == -1
            ? onnx.Node("Flatten", [input], node => node.AddAttribute("axis", 1L))
            : throw new NotSupportedException(
                $"Flatten from dimension {flatten.start_dim} to {flatten.end_dim} has no ONNX export here (dimension 1 to the last only).");
}
