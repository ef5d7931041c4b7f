using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Batches;

namespace MlNetTriplet.Transforms;

/// <summary>Row-at-a-time mapping for <c>PredictionEngine</c>: the mapper runs on a batch of one when an output
/// getter is first called for a row, and the result is kept until the input row moves.</summary>
internal sealed class BatchedRowMapper : IRowToRowMapper
{
    private readonly BatchedMapping _mapping;
    private readonly int _featureIndex;

    public BatchedRowMapper(BatchedMapping mapping, DataViewSchema inputSchema)
    {
        _mapping = mapping;
        InputSchema = inputSchema;
        _featureIndex = mapping.CheckInput(inputSchema);
        OutputSchema = mapping.OutputSchema(inputSchema);
    }

    public DataViewSchema InputSchema { get; }
    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        int inputCount = InputSchema.Count;
        var needed = dependingColumns.Where(c => c.Index < inputCount).Select(c => InputSchema[c.Index]).ToList();
        if (dependingColumns.Any(c => c.Index >= inputCount) && needed.All(c => c.Index != _featureIndex))
            needed.Add(InputSchema[_featureIndex]);
        return needed;
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
        new Row(this, input, activeColumns);

    private sealed class Row : DataViewRow, IOutputRow
    {
        private readonly BatchedRowMapper _parent;
        private readonly DataViewRow _input;
        private readonly bool[] _active;
        private readonly RowBuffer _features;
        private readonly float[] _output;
        private readonly IColumnReader? _reader;
        private long _computedAt = -1;

        public Row(BatchedRowMapper parent, DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
        {
            _parent = parent;
            _input = input;
            _active = new bool[parent.OutputSchema.Count];
            foreach (var c in activeColumns)
                _active[c.Index] = true;
            var mapper = parent._mapping.Mapper;
            _features = RowBuffer.OfFloats(1, mapper.InputWidth);
            _output = new float[mapper.OutputWidth];
            var inputColumn = input.Schema[parent._featureIndex];
            if (input.IsColumnActive(inputColumn))
                _reader = parent._mapping.Input.Bind(input, inputColumn, _features);
        }

        public override DataViewSchema Schema => _parent.OutputSchema;
        public override long Position => _input.Position;
        public override long Batch => _input.Batch;
        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();
        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public ReadOnlySpan<float> Output
        {
            get
            {
                if (_computedAt != _input.Position || _computedAt < 0)
                {
                    var reader = _reader ?? throw new InvalidOperationException(
                        $"Input column '{_parent._mapping.Input.Name}' is not active on the input row.");
                    reader.Capture(0, _input.Position);
                    reader.Complete(1);
                    _parent._mapping.Mapper.Run(_features.Floats, 1, _output);
                    _computedAt = _input.Position;
                }
                return _output;
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _reader?.Dispose();
            base.Dispose(disposing);
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int inputCount = _parent.InputSchema.Count;
            if (column.Index < inputCount)
                return _input.GetGetter<TValue>(_input.Schema[column.Index]);
            return _parent._mapping.Outputs[column.Index - inputCount].CreateGetter(this) as ValueGetter<TValue>
                   ?? throw new InvalidOperationException($"Column '{column.Name}' has no getter of {typeof(TValue).Name}.");
        }
    }
}
