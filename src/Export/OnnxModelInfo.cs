using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.Model.OnnxConverter;
using static Microsoft.ML.Model.OnnxConverter.OnnxCSharpToProtoWrapper;

namespace MlNetTriplet;

/// <summary>One input or output of an exported ONNX graph.</summary>
/// <param name="Name">Its name: the ML.NET column's.</param>
/// <param name="ElementType">"float32", "uint32" (an ML.NET key: 1-based class index), "int64", "bool" or "string".</param>
/// <param name="Shape">Its dimensions; -1 is the symbolic batch dimension "N".</param>
public sealed record OnnxTensorInfo(string Name, string ElementType, IReadOnlyList<long> Shape);

/// <summary>What a caller of an exported ONNX file needs to know (written beside it as <c>model.onnx.json</c> by the
/// command-line tool): the graph's inputs and outputs, the preprocessing its input expects, the class names of a
/// classifier, the opset. Read from the written graph and its <c>metadata_props</c>.</summary>
public sealed record OnnxModelInfo
{
    /// <summary>The <c>metadata_props</c> keys this package writes: the class names (JSON array), the input shapes
    /// (JSON object, input name to dimensions, -1 for the batch), the preprocessing (text), the network's kind.</summary>
    public const string ClassNamesKey = "class_names", InputShapeKey = "input_shape", PreprocessingKey = "preprocessing",
        ModelKindKey = "model_kind";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The graph's inputs, in order.</summary>
    public required IReadOnlyList<OnnxTensorInfo> Inputs { get; init; }

    /// <summary>The graph's outputs, in order.</summary>
    public required IReadOnlyList<OnnxTensorInfo> Outputs { get; init; }

    /// <summary>What the network's input must hold, and what the graph does itself.</summary>
    public required string Preprocessing { get; init; }

    /// <summary>A classifier's class names in key order (PredictedLabel k is ClassNames[k - 1]); null otherwise.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The network that was exported, e.g. "CnnClassifier".</summary>
    public required string ModelKind { get; init; }

    /// <summary>The ONNX operator set of the graph.</summary>
    public required int OpSetVersion { get; init; }

    /// <summary>The name of the batch dimension of every input and output.</summary>
    public string BatchDimension => Export.OnnxModelFinisher.BatchDimension;

    /// <summary>This manifest as indented JSON (camelCase names).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    internal static OnnxModelInfo From(ModelProto model)
    {
        var metadata = model.MetadataProps.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        return new OnnxModelInfo
        {
            Inputs = model.Graph.Input.Select(Tensor).ToList(),
            Outputs = model.Graph.Output.Select(Tensor).ToList(),
            Preprocessing = metadata[PreprocessingKey],
            ClassNames = metadata.TryGetValue(ClassNamesKey, out var names) ? JsonSerializer.Deserialize<string[]>(names) : null,
            ModelKind = metadata[ModelKindKey],
            OpSetVersion = (int)model.OpsetImport.Single(o => o.Domain == "").Version,
        };
    }

    private static OnnxTensorInfo Tensor(ValueInfoProto value) => new(value.Name,
        ElementName((TensorProto.Types.DataType)value.Type.TensorType.ElemType),
        value.Type.TensorType.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : -1).ToList());

    private static string ElementName(TensorProto.Types.DataType type) => type switch
    {
        TensorProto.Types.DataType.Float => "float32",
        TensorProto.Types.DataType.Uint32 => "uint32",
        TensorProto.Types.DataType.Int64 => "int64",
        TensorProto.Types.DataType.Bool => "bool",
        TensorProto.Types.DataType.String => "string",
        _ => type.ToString().ToLowerInvariant(),
    };
}
