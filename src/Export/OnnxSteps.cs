using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Transforms;

namespace MlNetTriplet.Export;

/// <summary>The errors of a pipeline that ONNX cannot hold whole, each naming the step, why, and what can be exported
/// instead: the network alone, on the prepared tensor its input column holds.</summary>
internal static class OnnxSteps
{
    private const string NetworkAlone = "export the network alone on its prepared input with mlContext.Model.ExportNetworkToOnnx(model, stream)";

    /// <summary>A network transformer that decodes and resizes photos itself (from paths or LoadImages images).</summary>
    public static NotSupportedException PhotoDecoding(NetworkOnnxDescription network, DataViewSchema.Column photos) => new(
        $"{network.Kind} cannot be converted to ONNX with this pipeline: it reads photos from column '{photos.Name}' " +
        $"({photos.Type}) and decodes, resizes and crops them itself, which an ONNX graph cannot do. Either feed the column " +
        $"as prepared pixels (Vector<Single, {network.RowShape.Aggregate(1L, (a, b) => a * b)}>), or {NetworkAlone}: its " +
        $"input '{network.InputColumn}' is float32 [N, {string.Join(", ", network.RowShape)}]. {network.Preprocessing}");

    /// <summary>A network transformer whose input column comes from a step that ML.NET could not convert.</summary>
    public static NotSupportedException InputNotConverted(NetworkOnnxDescription network, IDataView source) => new(
        $"{network.Kind} cannot be converted to ONNX with this pipeline: it reads column '{network.InputColumn}', which " +
        $"{Producer(source, network.InputColumn)} makes, and ML.NET's converter cannot write that step as ONNX (image " +
        $"loading, resizing and pixel extraction, for instance, happen outside any graph). Convert the pipeline from that " +
        $"column on, or {NetworkAlone}: its input '{network.InputColumn}' is float32 " +
        $"[N, {string.Join(", ", network.RowShape)}]. {network.Preprocessing}");

    /// <summary>A step of this package with no ONNX form.</summary>
    public static NotSupportedException NotExportable(string step, string why) => new(
        $"{step} cannot be converted to ONNX: {why} Convert the pipeline without it (the steps before it), or {NetworkAlone}.");

    /// <summary>The step of <paramref name="view"/>'s chain that makes <paramref name="column"/>: the first one, walking
    /// back, whose source lacks the column or holds it hidden behind the step's own (an in-place step); a step that
    /// only passes the column on (selecting columns, say) is not it. Named after its transformer (ML.NET's data
    /// transforms after their row mapper's owner, e.g. ImagePixelExtractingTransformer).</summary>
    private static string Producer(IDataView view, string column)
    {
        for (var current = view; current is IDataTransform transform; current = transform.Source)
        {
            var before = transform.Source.Schema.GetColumnOrNull(column);
            bool replaced = before is { } old && transform.Schema.Count > old.Index
                && transform.Schema[old.Index] is { IsHidden: true } hidden && hidden.Name == column;
            if (transform.Schema.GetColumnOrNull(column) is not null && (before is null || replaced))
                return $"the step {StepName(transform)}";
        }
        return "no step of the pipeline";
    }

    private static string StepName(IDataTransform transform) => transform switch
    {
        BatchedDataTransform ours => ours.TransformerName,
        _ => transform.GetType().GetField("_mapper", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(transform) is { } mapper
            ? (mapper.GetType().DeclaringType ?? mapper.GetType()).Name
            : transform.GetType().Name,
    };
}
