using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using MlNetTriplet.Transforms;

namespace MlNetTriplet;

/// <summary>Base of this package's transformers: one input vector column is mapped to the columns the transformer
/// adds, a batch of rows at a time inside a lazy cursor. Input columns pass through; rows map one to one, so
/// <c>PredictionEngine</c> works.</summary>
public abstract class BatchedTransformer : ITransformer
{
    private protected BatchedTransformer()
    {
    }

    /// <summary>The input column, the batch mapper and the added columns (set by the derived constructor).</summary>
    private protected abstract BatchedMapping Mapping { get; }

    /// <summary>The mapping, for a transformer built on this one (class activation maps read a classifier's input
    /// column and label values).</summary>
    internal BatchedMapping SharedMapping => Mapping;

    /// <summary>Always true: the transformer maps rows one to one.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input schema plus the columns this transformer adds; throws when the input column is missing or
    /// is not a <c>Vector&lt;Single&gt;</c> of the size the model takes.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Mapping.OutputSchema(inputSchema);

    /// <summary>Lazily maps <paramref name="input"/>: the added columns are computed only when a cursor reads them,
    /// rows read ahead and mapped together in batches. ML.NET's <c>ConvertToOnnx</c> converts the result (see
    /// <see cref="SaveAsOnnx"/>).</summary>
    public IDataView Transform(IDataView input) => new BatchedDataTransform(input, new BatchedDataView(input, Mapping), this);

    /// <summary>Writes this step into ML.NET's ONNX conversion of a pipeline: its output columns computed from the
    /// variable of its input column, which the steps before it (or the graph's inputs, <paramref name="source"/>'s
    /// columns) hold. A step ONNX cannot hold throws, naming itself and what can be exported instead.</summary>
    internal abstract void SaveAsOnnx(OnnxContext ctx, IDataView source);

    /// <summary>Row-at-a-time mapping, used by <c>PredictionEngine</c>.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new BatchedRowMapper(Mapping, inputSchema);

    /// <summary>Saving is each transformer's own: its format and version.</summary>
    private protected abstract void SaveModel(ModelSaveContext ctx);

    void ICanSaveModel.Save(ModelSaveContext ctx) => SaveModel(ctx);
}
