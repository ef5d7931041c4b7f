using MlNetTriplet.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;

namespace MlNetTriplet.Networks.Layers;

/// <summary>2-D convolution: the one a <see cref="ConvBlock"/> starts with, and the ONNX <c>Conv</c> of any TorchSharp
/// <c>Conv2d</c> (ours, torchvision's).</summary>
internal static class ConvolutionLayer
{
    public static Conv2d Create(ConvBlock block, int inChannels) => block.SamePadding
        ? Conv2d(inChannels, block.Filters, block.KernelSize, Padding.Same)
        : Conv2d(inChannels, block.Filters, block.KernelSize, stride: block.Stride, padding: block.Padding ?? block.KernelSize / 2);

    public static string ExportOnnx(OnnxGraphWriter onnx, Conv2d conv, string input)
    {
        if (conv.padding_mode != PaddingModes.Zeros)
            throw new NotSupportedException($"Conv2d with {conv.padding_mode} padding has no ONNX export here (zero padding only).");
        string[] inputs = conv.bias is { } bias
            ? [input, onnx.Weights("weight", conv.weight), onnx.Weights("bias", bias)]
            : [input, onnx.Weights("weight", conv.weight)];
        return onnx.Node("Conv", inputs, node =>
        {
            node.AddAttribute("kernel_shape", conv.kernel_size);
            node.AddAttribute("strides", conv.stride);
            node.AddAttribute("dilations", conv.dilation);
            node.AddAttribute("group", conv.groups);
            node.AddAttribute("pads", Pads(conv));
        });
    }

    /// <summary>ONNX pads (begin of every axis, then end of every axis). PyTorch's "same" pads the extra row and
    /// column of an even kernel at the end, which ONNX expresses exactly.</summary>
    private static long[] Pads(Conv2d conv)
    {
        if (conv.padding_type == Padding.Same)
        {
            var total = conv.kernel_size.Select((k, i) => conv.dilation[i] * (k - 1)).ToArray();
            return [.. total.Select(t => t / 2), .. total.Select(t => t - t / 2)];
        }
        long[] padding = conv.padding ?? [0, 0];
        return [.. padding, .. padding];
    }
}
