using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Batches;
using MlNetTriplet.Data;

namespace MlNetTriplet.Transforms;

/// <summary>The mapper's output for the row a getter is reading.</summary>
internal interface IOutputRow
{
    ReadOnlySpan<float> Output { get; }
}

/// <summary>One column a batched transformer adds: its schema entry and how a getter reads the row's output.</summary>
internal sealed record OutputColumn(string Name, DataViewType Type, DataViewSchema.Annotations Annotations,
    Func<IOutputRow, Delegate> CreateGetter)
{
    /// <summary>A <c>Vector&lt;Single, size&gt;</c> column holding <paramref name="size"/> values of the row's output
    /// from <paramref name="offset"/> (all of it by default).</summary>
    public static OutputColumn Vector(string name, int size, DataViewSchema.Annotations annotations, int offset = 0) =>
        new(name, new VectorDataViewType(NumberDataViewType.Single, size), annotations,
            row => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) =>
            {
                var values = row.Output.Slice(offset, size);
                var editor = VBufferEditor.Create(ref dst, values.Length);
                values.CopyTo(editor.Values);
                dst = editor.Commit();
            }));
}

/// <summary>What a fitted batched transformer (a network, a projection) does to a schema and to rows: one input
/// column through an <see cref="IBatchMapper"/> into a few output columns. Immutable and shared by every cursor.</summary>
internal sealed class BatchedMapping
{
    public BatchedMapping(IInputColumn input, IBatchMapper mapper, IReadOnlyList<OutputColumn> outputs, int batchSize)
    {
        if (input.Width != mapper.InputWidth)
            throw new ArgumentException($"The input column gives {input.Width} values per row; the mapper takes {mapper.InputWidth}.");
        Input = input;
        Mapper = mapper;
        Outputs = outputs;
        BatchSize = batchSize;
    }

    /// <summary>A mapping whose input is a <c>Vector&lt;Single&gt;</c> of the mapper's width.</summary>
    public BatchedMapping(string inputColumn, IBatchMapper mapper, IReadOnlyList<OutputColumn> outputs, int batchSize,
        string inputRole) : this(new VectorInput(inputColumn, inputRole, mapper.InputWidth), mapper, outputs, batchSize)
    {
    }

    public IInputColumn Input { get; }
    public IBatchMapper Mapper { get; }
    public IReadOnlyList<OutputColumn> Outputs { get; }
    public int BatchSize { get; }

    public int CheckInput(DataViewSchema schema)
    {
        var column = SchemaChecks.FindColumn(schema, Input.Name, Input.Role);
        Input.Check(column);
        return column.Index;
    }

    public DataViewSchema OutputSchema(DataViewSchema input)
    {
        CheckInput(input);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        foreach (var output in Outputs)
            builder.AddColumn(output.Name, output.Type, output.Annotations);
        return builder.ToSchema();
    }
}

/// <summary>The lazy <see cref="IDataView"/> a batched transformer returns: input columns pass through, output
/// columns are computed batch by batch inside the cursor.</summary>
internal sealed class BatchedDataView : IDataView
{
    private readonly IDataView _input;
    private readonly BatchedMapping _mapping;
    private readonly int _featureIndex;

    public BatchedDataView(IDataView input, BatchedMapping mapping)
    {
        _input = input;
        _mapping = mapping;
        _featureIndex = mapping.CheckInput(input.Schema);
        Schema = mapping.OutputSchema(input.Schema);
    }

    public bool CanShuffle => _input.CanShuffle;
    public DataViewSchema Schema { get; }
    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var (inputColumns, active) = Plan(columnsNeeded);
        return new BatchedCursor(_mapping, Schema, _input.GetRowCursor(inputColumns, rand), active, _featureIndex);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var (inputColumns, active) = Plan(columnsNeeded);
        return _input.GetRowCursorSet(inputColumns, n, rand)
            .Select(c => (DataViewRowCursor)new BatchedCursor(_mapping, Schema, c, active, _featureIndex)).ToArray();
    }

    private (List<DataViewSchema.Column>, bool[]) Plan(IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        var active = new bool[Schema.Count];
        foreach (var c in columnsNeeded)
            active[c.Index] = true;
        int inputCount = _input.Schema.Count;
        var inputColumns = _input.Schema.Where(c => active[c.Index]).ToList();
        if (active.Skip(inputCount).Any(a => a) && !active[_featureIndex])
            inputColumns.Add(_input.Schema[_featureIndex]);
        return (inputColumns, active);
    }
}
