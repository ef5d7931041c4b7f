using System.Runtime.InteropServices;

namespace MlNetTriplet.Backbones;

/// <summary>One ONNX node: operator and the names of its inputs and outputs (attributes are not needed here).</summary>
internal sealed record OnnxNode(string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs);

/// <summary>One ONNX initializer as float32 values with its dimensions.</summary>
internal sealed record OnnxTensor(string Name, long[] Dims, float[] Values);

/// <summary>The nodes (in graph order) and float32 initializers of an ONNX model, read with our own protobuf reader
/// (field numbers from onnx.proto: ModelProto.graph 7; GraphProto.node 1, initializer 5; NodeProto.input 1,
/// output 2, op_type 4; TensorProto.dims 1, data_type 2, float_data 4, name 8, raw_data 9, data_location 14).</summary>
internal sealed class OnnxGraph
{
    private const int FloatType = 1, ExternalData = 1;

    private OnnxGraph(List<OnnxNode> nodes, Dictionary<string, OnnxTensor> initializers)
    {
        Nodes = nodes;
        Initializers = initializers;
    }

    public IReadOnlyList<OnnxNode> Nodes { get; }

    public IReadOnlyDictionary<string, OnnxTensor> Initializers { get; }

    /// <summary>Reads <paramref name="path"/>; a file that is not a readable ONNX model fails naming it.</summary>
    public static OnnxGraph Read(string path)
    {
        try
        {
            return Parse(File.ReadAllBytes(path));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Cannot read the ONNX model '{path}': {e.Message}.", e);
        }
    }

    internal static OnnxGraph Parse(ReadOnlySpan<byte> model)
    {
        var nodes = new List<OnnxNode>();
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        bool sawGraph = false;
        var reader = new ProtobufReader(model);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            if (field != 7)
            {
                reader.Skip(wire);
                continue;
            }
            reader.Expect(wire, ProtobufReader.LengthDelimited);
            ReadGraph(reader.ReadBytes(), nodes, initializers);
            sawGraph = true;
        }
        if (!sawGraph)
            throw new InvalidDataException("no graph (not an ONNX model?)");
        return new OnnxGraph(nodes, initializers);
    }

    private static void ReadGraph(ReadOnlySpan<byte> graph, List<OnnxNode> nodes, Dictionary<string, OnnxTensor> initializers)
    {
        var reader = new ProtobufReader(graph);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 1 && wire == ProtobufReader.LengthDelimited)
                nodes.Add(ReadNode(reader.ReadBytes()));
            else if (field == 5 && wire == ProtobufReader.LengthDelimited)
            {
                if (ReadTensor(reader.ReadBytes()) is { } tensor)
                    initializers[tensor.Name] = tensor;
            }
            else
                reader.Skip(wire);
        }
    }

    private static OnnxNode ReadNode(ReadOnlySpan<byte> node)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        string opType = "";
        var reader = new ProtobufReader(node);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1: reader.Expect(wire, ProtobufReader.LengthDelimited); inputs.Add(reader.ReadString()); break;
                case 2: reader.Expect(wire, ProtobufReader.LengthDelimited); outputs.Add(reader.ReadString()); break;
                case 4: reader.Expect(wire, ProtobufReader.LengthDelimited); opType = reader.ReadString(); break;
                default: reader.Skip(wire); break;
            }
        }
        return new OnnxNode(opType, inputs, outputs);
    }

    /// <summary>A float32 initializer; null for other data types (shapes, indices), which hold no weights.</summary>
    private static OnnxTensor? ReadTensor(ReadOnlySpan<byte> tensor)
    {
        var dims = new List<long>();
        var floats = new List<float>();
        float[]? raw = null;
        long dataType = 0, location = 0;
        string name = "";
        var reader = new ProtobufReader(tensor);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1: reader.ReadInt64s(wire, dims); break;
                case 2: reader.Expect(wire, ProtobufReader.Varint); dataType = (long)reader.ReadVarint(); break;
                case 4: reader.ReadFloats(wire, floats); break;
                case 8: reader.Expect(wire, ProtobufReader.LengthDelimited); name = reader.ReadString(); break;
                case 9:
                    reader.Expect(wire, ProtobufReader.LengthDelimited);
                    var bytes = reader.ReadBytes();
                    // Partial values mean another data type; checked against data_type below.
                    raw = bytes.Length % 4 == 0 ? MemoryMarshal.Cast<byte, float>(bytes).ToArray() : [];
                    break;
                case 14: reader.Expect(wire, ProtobufReader.Varint); location = (long)reader.ReadVarint(); break;
                default: reader.Skip(wire); break;
            }
        }
        if (location == ExternalData)
            throw new InvalidDataException($"initializer '{name}' is stored in an external file, which is not supported");
        if (dataType != FloatType)
            return null;
        float[] values = raw ?? floats.ToArray();
        long count = dims.Aggregate(1L, (a, d) => a * d);
        if (values.Length != count)
            throw new InvalidDataException(
                $"initializer '{name}' of shape [{string.Join(", ", dims)}] holds {values.Length} values, expected {count}");
        return new OnnxTensor(name, dims.ToArray(), values);
    }
}
