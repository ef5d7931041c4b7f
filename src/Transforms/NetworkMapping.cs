using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Data;

namespace MlNetTriplet.Transforms;

/// <summary>The network output of the row a getter is reading.</summary>
internal interface IOutputRow
{
    ReadOnlySpan<float> Output { get; }
}

/// <summary>One column a network transformer adds: its schema entry and how a getter reads the row's output.</summary>
internal sealed record OutputColumn(string Name, DataViewType Type, DataViewSchema.Annotations Annotations,
    Func<IOutputRow, Delegate> CreateGetter)
{
    /// <summary>A <c>Vector&lt;Single, size&gt;</c> column holding the row's whole output.</summary>
    public static OutputColumn Vector(string name, int size, DataViewSchema.Annotations annotations) =>
        new(name, new VectorDataViewType(NumberDataViewType.Single, size), annotations,
            row => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) =>
            {
                var values = row.Output;
                var editor = VBufferEditor.Create(ref dst, values.Length);
                values.CopyTo(editor.Values);
                dst = editor.Commit();
            }));
}

/// <summary>What a fitted batched transformer (a network, a projection) does to a schema and to rows: one input
/// vector column through an <see cref="IBatchMapper"/> into a few output columns. Immutable and shared by every
/// cursor.</summary>
internal sealed class NetworkMapping(string inputColumn, IBatchMapper mapper, IReadOnlyList<OutputColumn> outputs,
    int batchSize, string inputRole)
{
    public string InputColumn { get; } = inputColumn;
    public IBatchMapper Mapper { get; } = mapper;
    public IReadOnlyList<OutputColumn> Outputs { get; } = outputs;
    public int BatchSize { get; } = batchSize;

    public int CheckInput(DataViewSchema schema)
    {
        var column = SchemaChecks.FindColumn(schema, InputColumn, inputRole);
        SchemaChecks.CheckFloatVector(column, inputRole, Mapper.InputWidth);
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

    /// <summary>Reads row <paramref name="row"/>'s features into <paramref name="destination"/>, refusing values that
    /// would silently give a wrong answer.</summary>
    public void ReadFeatures(ValueGetter<VBuffer<float>> getter, ref VBuffer<float> buffer, Span<float> destination, long row)
    {
        getter(ref buffer);
        buffer.CopyTo(destination);
        for (int i = 0; i < destination.Length; i++)
            if (!float.IsFinite(destination[i]))
                throw new InvalidDataException(
                    $"Row {row} of {inputRole} column '{InputColumn}' holds {destination[i]} at slot {i}; expected finite numbers.");
    }
}

/// <summary>The lazy <see cref="IDataView"/> a network transformer returns: input columns pass through, output
/// columns are computed batch by batch inside the cursor.</summary>
internal sealed class NetworkDataView : IDataView
{
    private readonly IDataView _input;
    private readonly NetworkMapping _mapping;
    private readonly int _featureIndex;

    public NetworkDataView(IDataView input, NetworkMapping mapping)
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
        return new NetworkCursor(_mapping, Schema, _input.GetRowCursor(inputColumns, rand), active, _featureIndex);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var (inputColumns, active) = Plan(columnsNeeded);
        return _input.GetRowCursorSet(inputColumns, n, rand)
            .Select(c => (DataViewRowCursor)new NetworkCursor(_mapping, Schema, c, active, _featureIndex)).ToArray();
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
