using MlNetTriplet.Backbones;
using MlNetTriplet.Export;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MlNetTriplet.Networks.Layers;

/// <summary>The one place that finds a module's ONNX nodes: this package's parts write their own
/// (<see cref="IOnnxExportable"/>), a <see cref="Sequential"/> chains its children, and TorchSharp's layers go to the
/// layer file that knows them. A module of any other kind stops the export naming it: a new layer kind cannot enter a
/// network without its export (the export tests build every kind of layer the architectures offer).</summary>
internal static class OnnxLayers
{
    public static string Export(OnnxGraphWriter onnx, string name, nn.Module module, string input)
    {
        var scoped = onnx.Scope(name);
        try
        {
            return module switch
            {
                IOnnxExportable part => part.ExportOnnx(scoped, input),
                Sequential sequential => sequential.named_children()
                    .Aggregate(input, (x, child) => Export(scoped, child.name, child.module, x)),
                Conv2d conv => ConvolutionLayer.ExportOnnx(scoped, conv, input),
                BatchNorm1d or BatchNorm2d => BatchNormLayer.ExportOnnx(scoped, (NormBase)module, input),
                Linear linear => DenseLayer.ExportOnnx(scoped, linear, input),
                Flatten flatten => DenseLayer.ExportOnnx(scoped, flatten, input),
                Dropout dropout => DropoutLayer.ExportOnnx(scoped, dropout, input),
                MaxPool2d or AvgPool2d or AdaptiveAvgPool2d => PoolingLayer.ExportOnnx(scoped, module, input),
                _ when ActivationLayer.IsActivation(module) => ActivationLayer.ExportOnnx(scoped, module, input),
                _ when TorchVisionBlocks.Handles(module) => TorchVisionBlocks.ExportOnnx(scoped, module, input),
                _ => throw new NotSupportedException(
                    $"{module.GetType().Name} has no ONNX export here: the exportable layers are convolution, batch norm, " +
                    "max/average/global pooling, linear, flatten, dropout, ReLU/LeakyReLU/ELU/GELU/Tanh/ReLU6, and the " +
                    "residual blocks of the ResNets and MobileNetV2."),
            };
        }
        catch (NotSupportedException e) when (!e.Message.StartsWith("Layer '", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"Layer '{scoped.Path}': {e.Message}", e);
        }
    }
}
