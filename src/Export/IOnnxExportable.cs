namespace MlNetTriplet.Export;

/// <summary>A network part of this package that writes its own ONNX nodes, beside its TorchSharp <c>forward</c>: the
/// same computation in inference form (batch norm from its running statistics, dropout as the identity).</summary>
internal interface IOnnxExportable
{
    /// <summary>Writes the nodes that compute <c>forward</c> on <paramref name="input"/> and returns the output's name.</summary>
    string ExportOnnx(OnnxGraphWriter onnx, string input);
}
