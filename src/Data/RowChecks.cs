using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Data;

/// <summary>Checks on a row's values as a reader takes them, in the one message form every reader uses: the data, the
/// row, the column and its role, the slot (and its name when the column names its slots), what was found.</summary>
internal static class RowChecks
{
    /// <summary>"Row 4" for a row of the data being transformed; "Training data: row 4" for a named data set.</summary>
    public static string Where(string? dataName, long position) =>
        dataName is null ? $"Row {position}" : $"{dataName}: row {position}";

    /// <summary>Throws naming the first NaN or infinity of <paramref name="values"/> (row <paramref name="position"/> of
    /// <paramref name="column"/>): a non-finite input gives a silently wrong answer downstream. <paramref name="fix"/>,
    /// when given, is a sentence saying how to fix the input, appended to the message.</summary>
    /// <exception cref="InvalidDataException">A value is NaN or infinite.</exception>
    public static void CheckFinite(ReadOnlySpan<float> values, string? dataName, long position, DataViewSchema.Column column,
        string role, string? fix = null)
    {
        int bad = IndexOfNonFinite(values);
        if (bad >= 0)
            throw new InvalidDataException(
                $"{Where(dataName, position)} of {role} column '{column.Name}' holds {values[bad]} at slot {bad}{SlotName(column, bad)}; expected finite numbers.{(fix is null ? "" : " " + fix)}");
    }

    /// <summary>The first slot holding NaN or an infinity, or -1.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                return i;
        return -1;
    }

    /// <summary>" ('name')" for a slot that has a name (Concatenate names slots after their source columns), so a bad
    /// value points at the original input column.</summary>
    private static string SlotName(DataViewSchema.Column column, int slot)
    {
        if (column.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.SlotNames) is null)
            return "";
        VBuffer<ReadOnlyMemory<char>> names = default;
        column.Annotations.GetValue(AnnotationUtils.Kinds.SlotNames, ref names);
        string name = slot < names.Length ? names.GetItemOrDefault(slot).ToString() : "";
        return name.Length > 0 ? $" ('{name}')" : "";
    }
}
