using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Batches;

namespace MlNetTriplet.Transforms;

/// <summary>Reads a batch of rows ahead from the input cursor, runs the batch mapper once on it, then serves the rows
/// one by one. Input columns that are asked for are cached per row during the read-ahead, so the upstream pipeline
/// runs once per row. Without any output column active it is a plain pass-through.</summary>
internal sealed class BatchedCursor : DataViewRowCursor, IOutputRow
{
    private readonly BatchedMapping _mapping;
    private readonly DataViewRowCursor _input;
    private readonly bool[] _active;
    private readonly Delegate?[] _getters;
    private readonly bool _batched;
    private readonly int _width, _outWidth;
    private readonly RowBuffer _inputRows;
    private readonly float[] _outputBatch;
    private readonly IColumnReader? _reader;
    private readonly ColumnCache[] _caches;
    private readonly ValueGetter<DataViewRowId> _inputIds;
    private readonly DataViewRowId[] _ids;
    private readonly long[] _batches;
    private int _slot = -1, _filled;
    private long _position = -1;

    public BatchedCursor(BatchedMapping mapping, DataViewSchema schema, DataViewRowCursor input, bool[] active,
        int featureIndex)
    {
        _mapping = mapping;
        _input = input;
        _active = active;
        Schema = schema;
        int inputCount = input.Schema.Count;
        _batched = active.Skip(inputCount).Any(a => a);
        _getters = new Delegate?[schema.Count];
        _inputIds = input.GetIdGetter();
        if (!_batched)
        {
            _caches = [];
            _inputRows = RowBuffer.OfFloats(0, 0);
            _outputBatch = [];
            _ids = [];
            _batches = [];
            return;
        }
        int size = mapping.BatchSize;
        _width = mapping.Mapper.InputWidth;
        _outWidth = mapping.Mapper.OutputWidth;
        _inputRows = RowBuffer.OfFloats(size, _width);
        _outputBatch = new float[size * _outWidth];
        _ids = new DataViewRowId[size];
        _batches = new long[size];
        _reader = mapping.Input.Bind(input, input.Schema[featureIndex], _inputRows);
        var caches = new List<ColumnCache>();
        for (int i = 0; i < inputCount; i++)
        {
            if (!active[i])
                continue;
            var cache = ColumnCache.Create(input, input.Schema[i], size);
            caches.Add(cache);
            _getters[i] = cache.CreateGetter(() => _slot);
        }
        _caches = [.. caches];
        for (int j = 0; j < mapping.Outputs.Count; j++)
            if (active[inputCount + j])
                _getters[inputCount + j] = mapping.Outputs[j].CreateGetter(this);
    }

    public override DataViewSchema Schema { get; }
    public override long Position => _position;
    public override long Batch => _batched ? (_slot >= 0 && _slot < _filled ? _batches[_slot] : 0) : _input.Batch;

    public ReadOnlySpan<float> Output => _outputBatch.AsSpan(_slot * _outWidth, _outWidth);

    public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!_active[column.Index])
            throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
        if (!_batched)
            return _input.GetGetter<TValue>(column);
        return _getters[column.Index] as ValueGetter<TValue>
               ?? throw new InvalidOperationException(
                   $"Column '{column.Name}' is {column.Type}; it has no getter of {typeof(TValue).Name}.");
    }

    public override ValueGetter<DataViewRowId> GetIdGetter() =>
        _batched ? (ref DataViewRowId id) => id = _ids[_slot] : _inputIds;

    public override bool MoveNext()
    {
        if (!_batched)
        {
            bool moved = _input.MoveNext();
            _position = moved ? _position + 1 : -1;
            return moved;
        }
        if (++_slot >= _filled && !Fill())
        {
            _position = -1;
            return false;
        }
        _position++;
        return true;
    }

    private bool Fill()
    {
        _filled = 0;
        _slot = 0;
        int capacity = _ids.Length;
        while (_filled < capacity && _input.MoveNext())
        {
            _reader!.Capture(_filled, _position + 1 + _filled);
            foreach (var cache in _caches)
                cache.Store(_filled);
            _inputIds(ref _ids[_filled]);
            _batches[_filled] = _input.Batch;
            _filled++;
        }
        if (_filled == 0)
            return false;
        _reader!.Complete(_filled);
        _mapping.Mapper.Run(_inputRows.Floats, _filled, _outputBatch);
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader?.Dispose();
            _input.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>Per-row copies of one input column's values over a read-ahead batch.</summary>
internal abstract class ColumnCache
{
    public abstract void Store(int slot);
    public abstract Delegate CreateGetter(Func<int> slot);

    public static ColumnCache Create(DataViewRow row, DataViewSchema.Column column, int size)
    {
        var raw = column.Type.RawType;
        var type = raw.IsGenericType && raw.GetGenericTypeDefinition() == typeof(VBuffer<>)
            ? typeof(VectorCache<>).MakeGenericType(raw.GetGenericArguments()[0])
            : typeof(ScalarCache<>).MakeGenericType(raw);
        return (ColumnCache)Activator.CreateInstance(type, row, column, size)!;
    }

    private sealed class ScalarCache<T>(DataViewRow row, DataViewSchema.Column column, int size) : ColumnCache
    {
        private readonly ValueGetter<T> _getter = row.GetGetter<T>(column);
        private readonly T[] _values = new T[size];

        public override void Store(int slot) => _getter(ref _values[slot]);

        public override Delegate CreateGetter(Func<int> slot) => (ValueGetter<T>)((ref T value) => value = _values[slot()]);
    }

    private sealed class VectorCache<T>(DataViewRow row, DataViewSchema.Column column, int size) : ColumnCache
    {
        private readonly ValueGetter<VBuffer<T>> _getter = row.GetGetter<VBuffer<T>>(column);
        private readonly VBuffer<T>[] _values = new VBuffer<T>[size];
        private VBuffer<T> _scratch;

        public override void Store(int slot)
        {
            _getter(ref _scratch);
            _scratch.CopyTo(ref _values[slot]);
        }

        public override Delegate CreateGetter(Func<int> slot) =>
            (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) => _values[slot()].CopyTo(ref value));
    }
}
