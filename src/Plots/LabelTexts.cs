using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Data;

namespace MlNetTriplet.Plots;

/// <summary>Reads label-like columns as display text: a Text column as is, a key column (or a vector of either) as its
/// key values, or the key numbers when it has none.</summary>
internal static class LabelTexts
{
    /// <summary>The display texts of a key column's values (its key values; empty without them), an empty array for a
    /// text column, null for any other type. Vectors are judged by their item type.</summary>
    public static string[]? Names(DataViewSchema.Column column) => ItemType(column) switch
    {
        KeyDataViewType { RawType: var raw } when raw == typeof(uint) =>
            KeyValues.FromColumn(column)?.AsText().Select(m => m.ToString()).ToArray() ?? [],
        TextDataViewType => [],
        _ => null,
    };

    /// <summary>A getter of a scalar Text or key column's current value as text.</summary>
    public static Func<string> Getter(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is TextDataViewType)
        {
            var text = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            ReadOnlyMemory<char> value = default;
            return () =>
            {
                text(ref value);
                return value.ToString();
            };
        }
        var names = Names(column) ?? throw SchemaChecks.Mismatch("label", column.Name, "a key or text column", $"{column.Type}");
        var keys = cursor.GetGetter<uint>(column);
        uint key = 0;
        return () =>
        {
            keys(ref key);
            return Name(names, key);
        };
    }

    /// <summary>A getter of a vector of Text or keys as texts.</summary>
    public static Func<string[]> VectorGetter(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is VectorDataViewType { ItemType: TextDataViewType })
        {
            var text = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
            VBuffer<ReadOnlyMemory<char>> values = default;
            return () =>
            {
                text(ref values);
                return values.DenseValues().Select(v => v.ToString()).ToArray();
            };
        }
        if (column.Type is not VectorDataViewType || Names(column) is not { } names || ItemType(column) is TextDataViewType)
            throw SchemaChecks.Mismatch("label", column.Name, "a vector of keys or of text", $"{column.Type}");
        var keys = cursor.GetGetter<VBuffer<uint>>(column);
        VBuffer<uint> keyValues = default;
        return () =>
        {
            keys(ref keyValues);
            return keyValues.DenseValues().Select(k => Name(names, k)).ToArray();
        };
    }

    private static DataViewType ItemType(DataViewSchema.Column column) =>
        column.Type is VectorDataViewType vector ? vector.ItemType : column.Type;

    private static string Name(string[] names, uint key) =>
        key >= 1 && key <= names.Length ? names[key - 1] : key.ToString(CultureInfo.InvariantCulture);
}
