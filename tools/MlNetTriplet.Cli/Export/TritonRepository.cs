using System.Text;

namespace MlNetTriplet.Cli.Export;

/// <summary>A Triton Inference Server model repository for an ONNX graph: <c>&lt;repository&gt;/&lt;name&gt;/config.pbtxt</c>
/// (ONNX Runtime backend, the graph's inputs and outputs without the batch dimension, dynamic batching) and
/// <c>&lt;repository&gt;/&lt;name&gt;/1/model.onnx</c> (version 1).</summary>
internal static class TritonRepository
{
    /// <summary>Requests Triton may gather into one batch.</summary>
    public const int MaxBatchSize = 64;

    /// <summary>How long Triton may hold a request to fill a batch.</summary>
    public const int MaxQueueDelayMicroseconds = 2000;

    /// <summary>Writes the model folder; returns its path.</summary>
    public static string Write(string repository, string name, byte[] onnx, OnnxModelInfo info)
    {
        string model = Path.Combine(repository, name);
        Directory.CreateDirectory(Path.Combine(model, "1"));
        File.WriteAllBytes(Path.Combine(model, "1", "model.onnx"), onnx);
        File.WriteAllText(Path.Combine(model, "config.pbtxt"), Config(name, info));
        return model;
    }

    /// <summary>The config.pbtxt text: every tensor's first dimension is the batch, which Triton leaves out of
    /// <c>dims</c> when <c>max_batch_size</c> is set.</summary>
    public static string Config(string name, OnnxModelInfo info)
    {
        var text = new StringBuilder();
        text.Append($"name: \"{name}\"\nbackend: \"onnxruntime\"\nmax_batch_size: {MaxBatchSize}\n");
        Tensors(text, "input", info.Inputs);
        Tensors(text, "output", info.Outputs);
        text.Append($"dynamic_batching {{\n  max_queue_delay_microseconds: {MaxQueueDelayMicroseconds}\n}}\n");
        return text.ToString();
    }

    private static void Tensors(StringBuilder text, string kind, IReadOnlyList<OnnxTensorInfo> tensors)
    {
        text.Append(kind).Append(" [\n");
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            text.Append("  {\n")
                .Append($"    name: \"{t.Name}\"\n")
                .Append($"    data_type: {DataType(t.ElementType)}\n")
                .Append($"    dims: [ {string.Join(", ", t.Shape.Skip(1))} ]\n")
                .Append(i + 1 < tensors.Count ? "  },\n" : "  }\n");
        }
        text.Append("]\n");
    }

    /// <summary>Triton's name of an ONNX element type.</summary>
    public static string DataType(string elementType) => elementType switch
    {
        "float32" => "TYPE_FP32",
        "uint32" => "TYPE_UINT32",
        "int64" => "TYPE_INT64",
        "bool" => "TYPE_BOOL",
        "string" => "TYPE_STRING",
        _ => throw new NotSupportedException($"No Triton data type for ONNX element type {elementType}."),
    };
}
