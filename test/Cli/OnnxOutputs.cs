using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MlNetTriplet.Cli.Tests;

/// <summary>Reads what a run wrote as ONNX: model.onnx.json, the graph as ONNX Runtime sees it, and a Triton
/// config.pbtxt, parsed as Triton reads its fields.</summary>
internal static partial class OnnxOutputs
{
    public static JsonElement Manifest(string outputDirectory) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(outputDirectory, "model.onnx.json"))).RootElement;

    /// <summary>Each input or output of a manifest: name, type, shape.</summary>
    public static List<(string Name, string Type, long[] Shape)> Tensors(JsonElement manifest, string kind) =>
        manifest.GetProperty(kind).EnumerateArray().Select(t => (t.GetProperty("name").GetString()!, t.GetProperty("type").GetString()!,
            t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray())).ToList();

    /// <summary>The graph's inputs or outputs as ONNX Runtime reads them: name, element type, dimensions (-1 for a
    /// symbolic one).</summary>
    public static List<(string Name, TensorElementType Type, int[] Shape)> Graph(string onnxPath, bool inputs)
    {
        using var session = new InferenceSession(onnxPath);
        return (inputs ? session.InputMetadata : session.OutputMetadata)
            .Select(m => (m.Key, m.Value.ElementDataType, m.Value.Dimensions)).ToList();
    }

    /// <summary>Runs the graph on one set of inputs; returns every float output.</summary>
    public static Dictionary<string, float[]> RunFloats(string onnxPath, IReadOnlyCollection<NamedOnnxValue> inputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 2 };
        using var session = new InferenceSession(onnxPath, options);
        using var outputs = session.Run(inputs);
        return outputs.Where(o => o.Value is Tensor<float>).ToDictionary(o => o.Name, o => o.AsTensor<float>().ToArray());
    }

    /// <summary>A Triton config.pbtxt's scalar fields and its input and output tensors.</summary>
    public sealed record TritonConfig(string Name, string Backend, int MaxBatchSize, bool DynamicBatching,
        List<(string Name, string DataType, int[] Dims)> Inputs, List<(string Name, string DataType, int[] Dims)> Outputs);

    public static TritonConfig ParseTriton(string path)
    {
        string text = File.ReadAllText(path);
        return new TritonConfig(Field(text, "name"), Field(text, "backend"), int.Parse(Field(text, "max_batch_size"), System.Globalization.CultureInfo.InvariantCulture),
            text.Contains("dynamic_batching {", StringComparison.Ordinal), TensorList(text, "input"), TensorList(text, "output"));
    }

    private static string Field(string text, string name) =>
        Regex.Match(text, $@"^{name}: ""?([^""\n]+)""?$", RegexOptions.Multiline) is { Success: true } m ? m.Groups[1].Value
            : throw new AssertFailedException($"config.pbtxt has no top-level '{name}'");

    private static List<(string, string, int[])> TensorList(string text, string kind)
    {
        var block = Regex.Match(text, $@"^{kind} \[\n(.*?)^\]", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.IsTrue(block.Success, $"config.pbtxt has no '{kind} [ ... ]' list");
        return TensorPattern().Matches(block.Groups[1].Value).Select(m => (m.Groups[1].Value, m.Groups[2].Value,
            m.Groups[3].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(d => int.Parse(d, System.Globalization.CultureInfo.InvariantCulture)).ToArray())).ToList();
    }

    [GeneratedRegex(@"name: ""([^""]+)""\s+data_type: (\w+)\s+dims: \[([^\]]*)\]")]
    private static partial Regex TensorPattern();

    /// <summary>Triton's data type of an ONNX Runtime element type.</summary>
    public static string TritonType(TensorElementType type) => type switch
    {
        TensorElementType.Float => "TYPE_FP32",
        TensorElementType.UInt32 => "TYPE_UINT32",
        TensorElementType.Int64 => "TYPE_INT64",
        TensorElementType.Bool => "TYPE_BOOL",
        TensorElementType.String => "TYPE_STRING",
        _ => type.ToString(),
    };
}
