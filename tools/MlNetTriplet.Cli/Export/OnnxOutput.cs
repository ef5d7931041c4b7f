using System.Text.Json;
using Microsoft.ML;
using MlNetTriplet.Cli.Running;

namespace MlNetTriplet.Cli.Export;

/// <summary>What a run wrote as ONNX: the graph's description, whether it holds the whole saved pipeline or the network
/// alone (and why), and the Triton repository when --triton asked for one.</summary>
/// <param name="Info">The graph's inputs, outputs, preprocessing and class names.</param>
/// <param name="WholePipeline">True when model.onnx takes what model.zip takes.</param>
/// <param name="NetworkOnlyReason">Why only the network could be written (the export's own message), or null.</param>
/// <param name="TritonModel">The Triton model folder written, or null.</param>
internal sealed record OnnxOutcome(OnnxModelInfo Info, bool WholePipeline, string? NetworkOnlyReason, string? TritonModel);

/// <summary>Writes model.onnx and its manifest model.onnx.json beside model.zip: the whole saved pipeline when ONNX can
/// hold it (tabular data: ML.NET's featurizers and the network), otherwise the network alone on its prepared input
/// (photos: their decoding and resizing stay outside any graph), and the Triton repository with --triton.</summary>
internal static class OnnxOutput
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <param name="run">The run (output folder, --triton).</param>
    /// <param name="model">The pipeline saved as model.zip.</param>
    /// <param name="input">Data with the schema model.zip takes.</param>
    public static OnnxOutcome Write(RunContext run, ITransformer model, IDataView input)
    {
        var ml = run.Ml;
        using var onnx = new MemoryStream();
        OnnxModelInfo info;
        string? reason = null;
        try
        {
            info = ml.Model.ExportToOnnx(model, input, onnx);
        }
        catch (NotSupportedException e)
        {
            reason = e.Message;
            onnx.SetLength(0);
            info = ml.Model.ExportNetworkToOnnx(model, onnx);
        }
        byte[] bytes = onnx.ToArray();
        File.WriteAllBytes(run.Output.OnnxPath, bytes);
        File.WriteAllText(run.Output.OnnxManifestPath, Manifest(info, reason));
        string? triton = run.Settings.TritonDirectory is { } repository
            ? TritonRepository.Write(repository, run.Settings.Scenario, bytes, info)
            : null;
        return new OnnxOutcome(info, reason is null, reason, triton);
    }

    /// <summary>model.onnx.json: the file, what it holds, its input(s) (name, type, shape; -1 is the batch), the
    /// preprocessing the input needs, its outputs and the class names.</summary>
    private static string Manifest(OnnxModelInfo info, string? reason) => JsonSerializer.Serialize(new
    {
        file = "model.onnx",
        holds = reason is null ? "the whole pipeline of model.zip" : "the network alone, on its prepared input",
        whyNetworkOnly = reason,
        modelKind = info.ModelKind,
        opset = info.OpSetVersion,
        batchDimension = info.BatchDimension,
        inputs = info.Inputs.Select(Tensor),
        preprocessing = info.Preprocessing,
        outputs = info.Outputs.Select(Tensor),
        classNames = info.ClassNames,
    }, Json);

    private static object Tensor(OnnxTensorInfo t) => new { name = t.Name, type = t.ElementType, shape = t.Shape };
}
