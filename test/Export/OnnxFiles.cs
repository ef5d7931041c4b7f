using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;

namespace MlNetTriplet.Tests.Export;

/// <summary>The three ways to get an ONNX file of a pipeline, into memory, and what its graph declares.</summary>
internal static class OnnxFiles
{
    /// <summary>ML.NET's own call, <c>mlContext.Model.ConvertToOnnx</c>.</summary>
    public static byte[] Convert(MLContext ml, ITransformer model, IDataView data, int? opSetVersion = null)
    {
        using var stream = new MemoryStream();
        if (opSetVersion is int opset)
            ml.Model.ConvertToOnnx(model, data, opset, stream);
        else
            ml.Model.ConvertToOnnx(model, data, stream);
        return stream.ToArray();
    }

    public static (byte[] Model, OnnxModelInfo Info) Export(MLContext ml, ITransformer model, IDataView data,
        OnnxExportOptions? options = null)
    {
        using var stream = new MemoryStream();
        var info = ml.Model.ExportToOnnx(model, data, stream, options);
        return (stream.ToArray(), info);
    }

    public static (byte[] Model, OnnxModelInfo Info) ExportNetwork(MLContext ml, ITransformer model, OnnxExportOptions? options = null)
    {
        using var stream = new MemoryStream();
        var info = ml.Model.ExportNetworkToOnnx(model, stream, options);
        return (stream.ToArray(), info);
    }

    /// <summary>The graph's input names and shapes as ONNX Runtime reads them (-1 for a symbolic dimension).</summary>
    public static Dictionary<string, int[]> Inputs(byte[] model)
    {
        using var session = new InferenceSession(model);
        return session.InputMetadata.ToDictionary(i => i.Key, i => i.Value.Dimensions);
    }

    /// <summary>The graph's node types, in order.</summary>
    public static List<string> NodeTypes(byte[] model) =>
        MlNetTriplet.Backbones.OnnxGraph.Parse(model).Nodes.Select(n => n.OpType).ToList();

    /// <summary>Rows of equal length, one after the other.</summary>
    public static float[] Flat(IEnumerable<float[]> rows) => rows.SelectMany(r => r).ToArray();

    /// <summary><paramref name="model"/> written to a temporary file, for ML.NET's ApplyOnnxModel; deleted by the caller.</summary>
    public static string WriteTemporary(byte[] model)
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlnettriplet-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, model);
        return path;
    }
}
