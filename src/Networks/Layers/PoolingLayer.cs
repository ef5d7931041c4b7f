using MlNetTriplet.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MlNetTriplet.Networks.Layers;

/// <summary>Spatial pooling: the one ending a <see cref="ConvBlock"/>, and the ONNX nodes of pooling layers (<c>MaxPool</c>, <c>AveragePool</c>, <c>GlobalAveragePool</c>) for ours and torchvision's.</summary>
internal static class PoolingLayer
{
    /// <summary>The block's pooling, or null for <see cref="Pooling.None"/>.</summary>
    public static Module<Tensor, Tensor>? Create(ConvBlock block) => block.Pooling switch
    {
        Pooling.Max => MaxPool2d(block.PoolSize),
        Pooling.Average => AvgPool2d(block.PoolSize),
        Pooling.None => null,
        _ => throw new ArgumentOutOfRangeException(nameof(block), block.Pooling, "Unknown pooling."),
    };

    public static string ExportOnnx(OnnxGraphWriter onnx, Module module, string input) => module switch
    {
        MaxPool2d max when !max.ceil_mode && (max.dilation ?? []).All(d => d == 1) => onnx.Node("MaxPool", [input], node =>
        {
            node.AddAttribute("kernel_shape", max.kernel_size);
            node.AddAttribute("strides", max.stride ?? max.kernel_size);
            node.AddAttribute("pads", Pads(max.padding));
        }),
        AvgPool2d average when !average.ceil_mode && average.divisor_override is null => onnx.Node("AveragePool", [input], node =>
        {
            node.AddAttribute("kernel_shape", average.kernel_size);
            node.AddAttribute("strides", average.stride ?? average.kernel_size);
            node.AddAttribute("pads", Pads(average.padding));
            node.AddAttribute("count_include_pad", average.count_include_pad ? 1L : 0L);
        }),
        AdaptiveAvgPool2d adaptive when adaptive.output_size.All(s => s == 1) => onnx.Node("GlobalAveragePool", [input]),
        _ => throw new NotSupportedException(
            $"{module.GetType().Name} with these settings has no ONNX export here (max and average pooling without ceil mode or dilation, adaptive average pooling to 1 x 1)."),
    };

    /// <summary>ONNX pads (begin of every axis, then end of every axis) from PyTorch's symmetric padding (null: none).</summary>
    private static long[] Pads(long[]? padding) => padding is null ? [0, 0, 0, 0] : [.. padding, .. padding];
}
