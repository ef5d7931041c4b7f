using MlNetTriplet.Export;
using TorchSharp.Modules;

namespace MlNetTriplet.Networks.Layers;

/// <summary>Dropout: active in training only, so its inference form (and its ONNX) is the identity, as
/// <c>eval()</c> makes it.</summary>
internal static class DropoutLayer
{
    public static string ExportOnnx(OnnxGraphWriter onnx, Dropout dropout, string input) => input;
}
