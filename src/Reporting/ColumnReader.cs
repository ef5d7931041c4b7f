using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Data;

namespace MlNetTriplet;

/// <summary>Reads the columns a plot needs from an <see cref="IDataView"/>: 2-D points and labels as display text.</summary>
internal static class ColumnReader
{
    private static readonly MethodInfo TextsOfType =
        typeof(ColumnReader).GetMethod(nameof(Texts), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo KeyValueTextsOfType =
        typeof(ColumnReader).GetMethod(nameof(KeyValueTexts), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Row-major x, y pairs from a <c>Vector&lt;Single, 2&gt;</c> column.</summary>
    public static float[] Points(IDataView data, string columnName)
    {
        var column = SchemaChecks.FindColumn(data.Schema, columnName, "point");
        SchemaChecks.CheckFloatVector(column, "point", 2);
        var points = new List<float>();
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            foreach (float v in value.DenseValues())
                points.Add(v);
        }
        return [.. points];
    }

    /// <summary>Each row's label as text: a key shows the value it stands for (its key values), any other primitive
    /// its invariant-culture text.</summary>
    public static List<string> Labels(IDataView data, string columnName)
    {
        var column = SchemaChecks.FindColumn(data.Schema, columnName, "label");
        if (column.Type is not PrimitiveDataViewType)
            throw SchemaChecks.Mismatch("label", columnName, "a scalar (key, text, number or boolean)", $"{column.Type}");
        string[]? keyNames = null;
        if (column.Type is KeyDataViewType && column.HasKeyValues())
        {
            var keyValues = column.Annotations.Schema[AnnotationUtils.Kinds.KeyValues];
            keyNames = (string[])KeyValueTextsOfType.MakeGenericMethod(((VectorDataViewType)keyValues.Type).ItemType.RawType)
                .Invoke(null, [column])!;
        }
        // The getter's type must match the column's raw type exactly, hence one generic reader per type.
        return (List<string>)TextsOfType.MakeGenericMethod(column.Type.RawType).Invoke(null, [data, column, keyNames])!;
    }

    private static List<string> Texts<T>(IDataView data, DataViewSchema.Column column, string[]? keyNames)
    {
        var texts = new List<string>();
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<T>(column);
        T value = default!;
        while (cursor.MoveNext())
        {
            getter(ref value);
            texts.Add(keyNames is not null && value is uint key
                ? key == 0 ? "(missing)" : keyNames[key - 1]
                : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
        }
        return texts;
    }

    private static string[] KeyValueTexts<T>(DataViewSchema.Column column)
    {
        VBuffer<T> values = default;
        column.GetKeyValues(ref values);
        return values.DenseValues().Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "").ToArray();
    }
}
