using MlNetTriplet.Export;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MlNetTriplet.Networks.Layers;

/// <summary>Batch normalisation, in ONNX in its inference form: <c>BatchNormalization</c> with the running mean and
/// variance the network saw in training, as <c>eval()</c> computes it.</summary>
internal static class BatchNormLayer
{
    public static string ExportOnnx(OnnxGraphWriter onnx, NormBase norm, string input)
    {
        if (norm.running_mean is not { } mean || norm.running_var is not { } variance)
            throw new NotSupportedException(
                "Batch norm without running statistics (track_running_stats false) normalises by each batch's own statistics: it has no inference form to export.");
        long channels = norm.num_features;
        string scale = norm.weight is { } w ? onnx.Weights("weight", w) : onnx.Floats("weight", Filled(channels, 1f), channels);
        string shift = norm.bias is { } b ? onnx.Weights("bias", b) : onnx.Floats("bias", Filled(channels, 0f), channels);
        return onnx.Node("BatchNormalization",
            [input, scale, shift, onnx.Weights("running_mean", mean), onnx.Weights("running_var", variance)],
            node => node.AddAttribute("epsilon", norm.eps));
    }

    private static float[] Filled(long count, float value) => Enumerable.Repeat(value, (int)count).ToArray();
}
