using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using static TorchSharp.torch;

namespace MlNetTriplet.Export;

/// <summary>Writes a network's nodes and weights into an ML.NET ONNX conversion context: the one ML.NET's
/// <c>ConvertToOnnx</c> hands to each step of a pipeline, or the one a network alone is exported into. Every name is
/// scoped by the module path (<c>cnn/features/conv0/Conv</c>), so the graph reads like the state_dict; ML.NET keeps
/// variables and columns in one map, and no column name holds a '/', so none can be shadowed.</summary>
internal sealed class OnnxGraphWriter
{
    private readonly OnnxContext _context;
    private readonly string _scope;

    public OnnxGraphWriter(OnnxContext context, string scope)
    {
        _context = context;
        _scope = scope;
    }

    /// <summary>The module path this writer names things under, for messages.</summary>
    public string Path => _scope;

    /// <summary>A writer whose names are under <paramref name="name"/> (a child module's).</summary>
    public OnnxGraphWriter Scope(string name) => new(_context, $"{_scope}/{name}");

    /// <summary>One standard-domain node with one new output; returns the output's name.</summary>
    public string Node(string op, string[] inputs, Action<OnnxNode>? attributes = null)
    {
        // No value_info for intermediate values (skip): ONNX Runtime infers their shapes.
        string output = _context.AddIntermediateVariable(null!, $"{_scope}/{op}", skip: true);
        NodeInto(op, inputs, output, attributes);
        return output;
    }

    /// <summary>One standard-domain node writing into <paramref name="output"/>, a variable declared elsewhere (an
    /// ML.NET column's).</summary>
    public void NodeInto(string op, string[] inputs, string output, Action<OnnxNode>? attributes = null)
    {
        // ML.NET's context defaults a node's domain to ai.onnx.ml: the standard domain is "".
        var node = _context.CreateNode(op, inputs, [output], _context.GetNodeName($"{_scope}/{op}"), "");
        attributes?.Invoke(node);
    }

    /// <summary>A float32 initializer holding <paramref name="tensor"/>'s values and shape (a weight or a buffer).</summary>
    public string Weights(string name, Tensor tensor)
    {
        using var values = tensor.detach().cpu().contiguous();
        return Floats(name, values.data<float>().ToArray(), tensor.shape);
    }

    /// <summary>A float32 initializer; a constant that broadcasts takes shape [1].</summary>
    public string Floats(string name, float[] values, params long[] dims) =>
        _context.AddInitializer(values, dims, $"{_scope}/{name}");

    /// <summary>An int64 initializer (shapes, indices).</summary>
    public string Int64s(string name, long[] values, params long[] dims) =>
        _context.AddInitializer(values, dims, $"{_scope}/{name}");

    /// <summary>Declares the ML.NET column <paramref name="column"/> of <paramref name="type"/> as this point's
    /// value of the column (what later steps and the graph's outputs read) and returns its variable.</summary>
    public string Column(string column, DataViewType type) => _context.AddIntermediateVariable(type, column);
}
