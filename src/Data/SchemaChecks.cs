using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Data;

/// <summary>Schema checks shared by the estimators and transformers; every message names the column, its role and
/// what was expected, in ML.NET's wording.</summary>
internal static class SchemaChecks
{
    public static DataViewSchema.Column FindColumn(DataViewSchema schema, string name, string role)
    {
        var column = schema.GetColumnOrNull(name);
        if (column is null)
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"Could not find {role} column '{name}'. Input columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"))}.");
        return column.Value;
    }

    /// <summary>A known-size <c>Vector&lt;Single&gt;</c>, of <paramref name="expectedSize"/> when given.</summary>
    public static int CheckFloatVector(DataViewSchema.Column column, string role, int? expectedSize = null)
    {
        if (column.Type is not VectorDataViewType { ItemType: var item, Size: var size } || item != NumberDataViewType.Single
            || size == 0 || (expectedSize is int e && size != e))
            throw Mismatch(role, column.Name, expectedSize is int s ? $"Vector<Single, {s}>" : "Vector<Single> of known size",
                $"{column.Type}");
        return size;
    }

    /// <summary>A key-typed label, as ML.NET's multiclass trainers take it; returns its key count.</summary>
    public static int CheckKeyLabel(DataViewSchema.Column column)
    {
        if (column.Type is not KeyDataViewType key || key.RawType != typeof(uint))
            throw LabelNotKey(column.Name, $"{column.Type}");
        if (key.Count < 2)
            throw new ArgumentOutOfRangeException("inputSchema",
                $"Label column '{column.Name}' has {key.Count} class(es); a classifier needs at least two.");
        if (key.Count > int.MaxValue)
            throw Mismatch("label", column.Name, $"at most {int.MaxValue} classes", $"{key.Count}");
        return (int)key.Count;
    }

    /// <summary>The schema-shape twin of <see cref="CheckKeyLabel(DataViewSchema.Column)"/>: the key count is not known yet.</summary>
    public static void CheckKeyLabel(SchemaShape.Column column)
    {
        if (!column.IsKey)
            throw LabelNotKey(column.Name, column.GetTypeString());
    }

    private static ArgumentOutOfRangeException LabelNotKey(string name, string actual) =>
        Mismatch("label", name, $"Key<UInt32> (add mlContext.Transforms.Conversion.MapValueToKey(\"{name}\") before the trainer)",
            actual);

    public static void CheckFloatVector(SchemaShape.Column column, string role)
    {
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
            throw Mismatch(role, column.Name, "Vector<Single> of known size", column.GetTypeString());
    }

    public static SchemaShape.Column FindColumn(SchemaShape schema, string name, string role)
    {
        if (!schema.TryFindColumn(name, out var column))
            throw new ArgumentOutOfRangeException(nameof(schema), $"Could not find {role} column '{name}'.");
        return column;
    }

    /// <summary>Throws when <paramref name="data"/> has no rows (one cursor step, no column read).</summary>
    public static void CheckNotEmpty(IDataView data, string dataName)
    {
        if (data.GetRowCount() is > 0)
            return;
        using var cursor = data.GetRowCursor([]);
        if (!cursor.MoveNext())
            throw new InvalidDataException(
                $"{dataName} is empty: it has no rows. A filter or split that removed every row, or an empty file?");
    }

    public static ArgumentOutOfRangeException Mismatch(string role, string name, string expected, string actual) =>
        new("inputSchema", $"Schema mismatch for {role} column '{name}': expected {expected}, got {actual}.");
}
