using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet;

/// <summary>A data view over images held in memory: a <c>Label</c> (UInt32) column and a <c>Features</c>
/// (<c>Vector&lt;Single, size&gt;</c>) column carrying the <see cref="ImageShape"/> annotation.</summary>
internal sealed class InMemoryImageDataView : IDataView
{
    internal const string LabelColumnName = "Label";
    internal const string FeaturesColumnName = "Features";

    private readonly float[] _features;
    private readonly uint[] _labels;
    private readonly int _size;

    /// <param name="features">labels.Length x shape.Size values, row-major; kept, not copied.</param>
    /// <param name="labels">One class id per row; kept, not copied.</param>
    /// <param name="shape">The layout of one row of <paramref name="features"/>.</param>
    internal InMemoryImageDataView(float[] features, uint[] labels, ImageShape shape)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        shape.Validate(nameof(shape));
        if (features.LongLength != (long)labels.Length * shape.Size)
            throw new ArgumentException(
                $"Expected {labels.Length} rows of {shape} = {(long)labels.Length * shape.Size} values, found {features.Length}.",
                nameof(features));
        (_features, _labels, _size) = (features, labels, shape.Size);

        var annotations = new DataViewSchema.Annotations.Builder();
        shape.AddTo(annotations);
        var schema = new DataViewSchema.Builder();
        schema.AddColumn(LabelColumnName, NumberDataViewType.UInt32);
        schema.AddColumn(FeaturesColumnName, new VectorDataViewType(NumberDataViewType.Single, _size), annotations.ToAnnotations());
        Schema = schema.ToSchema();
    }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => true;

    public long? GetRowCount() => _labels.Length;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        => new Cursor(this, Active(columnsNeeded), Order(rand), 0, _labels.Length, batch: 0);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        // Contiguous parts of the same order GetRowCursor would walk, each its own batch in ascending order, so
        // a stable sort of the parts' rows by Batch gives back that order (ML.NET's consolidation contract).
        var active = Active(columnsNeeded);
        var order = Order(rand);
        int rows = _labels.Length, parts = Math.Clamp(n, 1, Math.Max(rows, 1));
        var cursors = new DataViewRowCursor[parts];
        for (int p = 0; p < parts; p++)
            cursors[p] = new Cursor(this, active, order, (int)((long)rows * p / parts), (int)((long)rows * (p + 1) / parts), p);
        return cursors;
    }

    private bool[] Active(IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded)
        {
            if (column.Index >= active.Length || Schema[column.Index].Name != column.Name)
                throw new ArgumentOutOfRangeException(nameof(columnsNeeded), $"Column '{column.Name}' is not in this data view's schema.");
            active[column.Index] = true;
        }
        return active;
    }

    /// <summary>Row indices in cursoring order, or null for the identity order.</summary>
    private int[]? Order(Random? rand)
    {
        if (rand is null) return null;
        var order = new int[_labels.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        rand.Shuffle(order);
        return order;
    }

    private sealed class Cursor(InMemoryImageDataView parent, bool[] active, int[]? order, int start, int end, long batch)
        : DataViewRowCursor
    {
        private long _position = -1;
        private int _row = -1;
        private bool _done;

        public override DataViewSchema Schema => parent.Schema;
        public override long Position => _position;
        public override long Batch => batch;

        public override bool MoveNext()
        {
            if (!_done && start + _position + 1 < end)
            {
                int index = start + (int)++_position;
                _row = order?[index] ?? index;
                return true;
            }
            (_done, _position, _row) = (true, -1, -1);
            return false;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => active[Check(column).Index];

        public override ValueGetter<DataViewRowId> GetIdGetter()
            => (ref DataViewRowId value) => value = new DataViewRowId((ulong)CurrentRow(), 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!active[Check(column).Index])
                throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor.");
            Delegate getter = column.Index == 0 ? LabelGetter : FeaturesGetter;
            return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
                $"Column '{column.Name}' holds {column.Type}, not {typeof(TValue)}.");
        }

        private ValueGetter<uint> LabelGetter => (ref uint value) => value = parent._labels[CurrentRow()];

        private ValueGetter<VBuffer<float>> FeaturesGetter => (ref VBuffer<float> value) =>
        {
            int size = parent._size;
            var editor = VBufferEditor.Create(ref value, size);
            parent._features.AsSpan(CurrentRow() * size, size).CopyTo(editor.Values);
            value = editor.Commit();
        };

        private DataViewSchema.Column Check(DataViewSchema.Column column)
            => column.Index < active.Length && Schema[column.Index].Name == column.Name ? column
                : throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' is not in this cursor's schema.");

        private int CurrentRow() => _row >= 0 ? _row
            : throw new InvalidOperationException("The cursor is not on a row: call MoveNext first, and only while it returns true.");

        protected override void Dispose(bool disposing)
        {
            _done = true;
            _row = -1;
            base.Dispose(disposing);
        }
    }
}
