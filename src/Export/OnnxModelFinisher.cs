using Microsoft.ML.Model.OnnxConverter;
using static Microsoft.ML.Model.OnnxConverter.OnnxCSharpToProtoWrapper;

namespace MlNetTriplet.Export;

/// <summary>Turns the model ML.NET's converter writes into one to serve: only the columns asked for as outputs, under
/// their ML.NET column names; only the nodes, weights and inputs they need (so a caller feeds exactly the columns the
/// network reads, not the label); the batch dimension symbolic.</summary>
internal static class OnnxModelFinisher
{
    /// <summary>The name of the symbolic batch dimension of every input and output.</summary>
    public const string BatchDimension = "N";

    // ML.NET's converter names the graph output of column C "C.output" (an Identity of the column's variable).
    private const string MlNetOutputSuffix = ".output";

    public static void Finish(ModelProto model, IReadOnlyList<string> outputColumns)
    {
        var graph = model.Graph;
        var outputs = outputColumns.Select(column => KeepOutput(graph, column)).ToList();
        graph.Output.Clear();
        graph.Output.AddRange(outputs);
        Prune(graph);
        foreach (var value in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo))
            MakeBatchSymbolic(value);
        if (!graph.Node.Any(n => n.Domain == "ai.onnx.ml"))
            foreach (var unused in model.OpsetImport.Where(o => o.Domain == "ai.onnx.ml").ToList())
                model.OpsetImport.Remove(unused);
    }

    /// <summary>The graph output of <paramref name="column"/>, named after the column unless a graph input already is
    /// (a column computed in place of an input keeps ML.NET's "C.output").</summary>
    private static ValueInfoProto KeepOutput(GraphProto graph, string column)
    {
        var output = graph.Output.FirstOrDefault(o => o.Name == column)
                     ?? graph.Output.FirstOrDefault(o => o.Name == column + MlNetOutputSuffix)
                     ?? throw new ArgumentException(
                         $"Column '{column}' is not an output of the converted pipeline; its outputs are " +
                         $"{string.Join(", ", graph.Output.Select(o => $"'{ColumnOf(o.Name)}'"))}.", nameof(column));
        if (output.Name == column || graph.Input.Any(i => i.Name == column))
            return output;
        // Drop ML.NET's Identity and give the column's own variable the column's name.
        var copy = graph.Node.Single(n => n.OpType == "Identity" && n.Output.Contains(output.Name));
        graph.Node.Remove(copy);
        string variable = copy.Input[0];
        if (variable != column)
        {
            if (IsVariable(graph, column))
                Rename(graph, column, FreshName(graph, column));
            Rename(graph, variable, column);
        }
        output.Name = column;
        return output;
    }

    private static string ColumnOf(string output) =>
        output.EndsWith(MlNetOutputSuffix, StringComparison.Ordinal) ? output[..^MlNetOutputSuffix.Length] : output;

    /// <summary>Removes every node, initializer, input and value_info the outputs do not depend on.</summary>
    private static void Prune(GraphProto graph)
    {
        var needed = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        var kept = new List<NodeProto>();
        foreach (var node in graph.Node.Reverse())
        {
            if (!node.Output.Any(needed.Contains))
                continue;
            kept.Add(node);
            needed.UnionWith(node.Input.Where(i => i.Length > 0));
        }
        kept.Reverse();
        graph.Node.Clear();
        graph.Node.AddRange(kept);
        RemoveWhere(graph.Initializer, t => !needed.Contains(t.Name));
        RemoveWhere(graph.Input, v => !needed.Contains(v.Name));
        RemoveWhere(graph.ValueInfo, v => !needed.Contains(v.Name));
    }

    /// <summary>ML.NET writes the batch dimension as the value -1; ONNX's way is a named dimension.</summary>
    private static void MakeBatchSymbolic(ValueInfoProto value)
    {
        if (value.Type?.TensorType?.Shape is { Dim.Count: > 0 } shape && shape.Dim[0].DimValue == -1)
            shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = BatchDimension };
    }

    private static bool IsVariable(GraphProto graph, string name) =>
        graph.Node.Any(n => n.Output.Contains(name) || n.Input.Contains(name)) || graph.Initializer.Any(t => t.Name == name);

    private static string FreshName(GraphProto graph, string name)
    {
        for (int i = 0; ; i++)
            if (!IsVariable(graph, $"{name}_{i}"))
                return $"{name}_{i}";
    }

    private static void Rename(GraphProto graph, string from, string to)
    {
        foreach (var node in graph.Node)
        {
            Replace(node.Input, from, to);
            Replace(node.Output, from, to);
        }
        foreach (var value in graph.ValueInfo.Where(v => v.Name == from))
            value.Name = to;
        foreach (var tensor in graph.Initializer.Where(t => t.Name == from))
            tensor.Name = to;
    }

    private static void Replace(Google.Protobuf.Collections.RepeatedField<string> names, string from, string to)
    {
        for (int i = 0; i < names.Count; i++)
            if (names[i] == from)
                names[i] = to;
    }

    private static void RemoveWhere<T>(Google.Protobuf.Collections.RepeatedField<T> items, Func<T, bool> drop)
    {
        foreach (var item in items.Where(drop).ToList())
            items.Remove(item);
    }
}
