using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;

namespace MlNetTriplet.Transforms;

/// <summary>What a batched transformer's <c>Transform</c> returns, as ML.NET's pipeline machinery sees it: the rows
/// come from the lazy <paramref name="rows"/> view, and to ML.NET it is a data transform with a
/// <see cref="Source"/> that converts itself to ONNX. ML.NET's <c>ConvertToOnnx</c> walks a pipeline's data
/// transforms back from its end: a plain view stopped that walk, and the converter then declared this step's output
/// columns as the graph's inputs and copied them out (a model that computes nothing).</summary>
internal sealed class BatchedDataTransform(IDataView source, IDataView rows, BatchedTransformer transformer) : ITransformCanSaveOnnx
{
    public IDataView Source => source;

    /// <summary>The transformer's class name, for messages.</summary>
    public string TransformerName => transformer.GetType().Name;
    public bool CanShuffle => rows.CanShuffle;
    public DataViewSchema Schema => rows.Schema;
    public long? GetRowCount() => rows.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        rows.GetRowCursor(columnsNeeded, rand);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        rows.GetRowCursorSet(columnsNeeded, n, rand);

    /// <summary>Always true: a step that ONNX cannot hold says why when asked to save itself, instead of letting the
    /// converter stop here silently (the silent failure this class exists to end).</summary>
    public bool CanSaveOnnx(OnnxContext ctx) => true;

    public void SaveAsOnnx(OnnxContext ctx) => transformer.SaveAsOnnx(ctx, source);

    /// <summary>ML.NET's legacy data-pipe files load steps by a signature our transformers do not have; pipelines save
    /// through their transformers.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException(
        $"{transformer.GetType().Name}'s output view cannot be saved as a legacy ML.NET data pipe: save the model with mlContext.Model.Save(model, schema, path).");
}
