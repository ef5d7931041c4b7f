using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Data;

namespace MlNetTriplet.Batches;

/// <summary>A known-size <c>Vector&lt;Single&gt;</c> input, copied as is at capture; a NaN or an infinity would silently
/// give a wrong answer, so it is refused with the row and slot named.</summary>
internal sealed class VectorInput(string name, string role, int width) : IInputColumn
{
    public string Name => name;
    public string Role => role;
    public int Width => width;

    public void Check(DataViewSchema.Column column) => SchemaChecks.CheckFloatVector(column, role, width);

    public IColumnReader Bind(DataViewRow row, DataViewSchema.Column column, RowBuffer rows, string? dataName = null)
    {
        if (rows.HoldsBytes)
            throw new ArgumentException("Vectors are read into float rows.", nameof(rows));
        return new Reader(this, column, row.GetGetter<VBuffer<float>>(column), rows, dataName);
    }

    private sealed class Reader(VectorInput input, DataViewSchema.Column column, ValueGetter<VBuffer<float>> getter,
        RowBuffer rows, string? dataName) : IColumnReader
    {
        private VBuffer<float> _buffer;

        public void Capture(int slot, long position)
        {
            var destination = rows.FloatRow(slot);
            getter(ref _buffer);
            _buffer.CopyTo(destination);
            RowChecks.CheckFinite(destination, dataName, position, column, input.Role);
        }

        public void Complete(int count)
        {
        }

        public void Dispose()
        {
        }
    }
}
