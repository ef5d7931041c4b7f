using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Images;

/// <summary>Reads a <c>Key&lt;UInt32&gt;</c> label as a 0-based class, with an error naming the row when the key is
/// missing (a value MapValueToKey did not know).</summary>
internal sealed class KeyLabels(DataViewRow row, DataViewSchema.Column column, string dataName)
{
    private readonly ValueGetter<uint> _getter = row.GetGetter<uint>(column);
    private uint _key;

    public long Read(long position)
    {
        _getter(ref _key);
        return _key > 0 ? _key - 1L
            : throw new InvalidDataException(
                $"{dataName}: row {position} has a missing value in label column '{column.Name}' (a value that MapValueToKey did not know).");
    }
}
