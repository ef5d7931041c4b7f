using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Data;

namespace MlNetTriplet.Transforms;

/// <summary>How a batched transformer reads its input column into flat float rows: the type it accepts, and per
/// cursor a reader that fills a batch (a vector is copied; a photo is decoded, resized and cropped).</summary>
internal interface IInputColumn
{
    /// <summary>The column's name.</summary>
    string Name { get; }

    /// <summary>What the column is to the model ("feature", "image"), for messages.</summary>
    string Role { get; }

    /// <summary>Floats one row becomes.</summary>
    int Width { get; }

    /// <summary>Throws a schema mismatch naming the column when its type cannot be read.</summary>
    void Check(DataViewSchema.Column column);

    /// <summary>A reader of <paramref name="column"/> on <paramref name="row"/> (a cursor or a PredictionEngine row)
    /// that fills <paramref name="batch"/>, row after row.</summary>
    IRowInput Bind(DataViewRow row, DataViewSchema.Column column, float[] batch);
}

/// <summary>A cursor's reader of the input column: rows are captured as the cursor moves over them, then the batch is
/// completed at once (so slow work, such as decoding photos, can run in parallel).</summary>
internal interface IRowInput : IDisposable
{
    /// <summary>Captures the current row as row <paramref name="slot"/> of the batch; <paramref name="position"/> is
    /// the row's position, for messages.</summary>
    void Capture(int slot, long position);

    /// <summary>Finishes the batch's first <paramref name="count"/> rows.</summary>
    void Complete(int count);
}

/// <summary>A known-size <c>Vector&lt;Single&gt;</c> input, copied as is; a NaN or an infinity would silently give a
/// wrong answer, so it is refused with the row and slot named.</summary>
internal sealed class VectorInput(string name, string role, int width) : IInputColumn
{
    public string Name => name;
    public string Role => role;
    public int Width => width;

    public void Check(DataViewSchema.Column column) => SchemaChecks.CheckFloatVector(column, role, width);

    public IRowInput Bind(DataViewRow row, DataViewSchema.Column column, float[] batch) =>
        new Reader(this, column, row.GetGetter<VBuffer<float>>(column), batch);

    private sealed class Reader(VectorInput input, DataViewSchema.Column column, ValueGetter<VBuffer<float>> getter, float[] batch)
        : IRowInput
    {
        private VBuffer<float> _buffer;

        public void Capture(int slot, long position)
        {
            var destination = batch.AsSpan(slot * input.Width, input.Width);
            getter(ref _buffer);
            _buffer.CopyTo(destination);
            RowChecks.CheckFinite(destination, null, position, column, input.Role);
        }

        public void Complete(int count)
        {
        }

        public void Dispose()
        {
        }
    }
}
