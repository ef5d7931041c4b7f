using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Data;

/// <summary>The values behind a key-typed label (what <c>MapValueToKey</c> recorded), kept by a classifier so its
/// <c>PredictedLabel</c> maps back to the original labels, and written into the model zip.</summary>
internal sealed class KeyValues
{
    private readonly ScalarValues _values;

    private KeyValues(ScalarValues values) => _values = values;

    /// <summary>Key values held in <paramref name="values"/> (value i is key i + 1).</summary>
    public static KeyValues Of(ScalarValues values) => new(values);

    /// <summary>The values, value i behind key i + 1.</summary>
    public ScalarValues Values => _values;

    public PrimitiveDataViewType ItemType => _values.ItemType;
    public int Count => _values.Count;

    /// <summary>The key values of a label column, or null when it has none (or of a type we do not persist).</summary>
    public static KeyValues? FromColumn(DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues) is not { } annotation
            || annotation.Type is not VectorDataViewType { ItemType: PrimitiveDataViewType item }
            || !ScalarValues.IsSavable(item))
            return null;
        var method = typeof(KeyValues).GetMethod(nameof(Read), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(item.RawType);
        return new KeyValues((ScalarValues)method.Invoke(null, [column, item])!);
    }

    private static ScalarValues Read<T>(DataViewSchema.Column column, PrimitiveDataViewType item)
    {
        VBuffer<T> values = default;
        column.Annotations.GetValue(AnnotationUtils.Kinds.KeyValues, ref values);
        return ScalarValues.Of(item, values.DenseValues().ToArray());
    }

    /// <summary>Adds them as the KeyValues annotation of a key column.</summary>
    public void AddKeyValuesTo(DataViewSchema.Annotations.Builder builder) =>
        _values.AddAnnotation(builder, AnnotationUtils.Kinds.KeyValues);

    /// <summary>The values as text, for the <c>SlotNames</c> of a score vector.</summary>
    public ReadOnlyMemory<char>[] AsText() => _values.AsText();

    public void Write(BinaryWriter writer) => _values.Write(writer);

    /// <summary>Writes a presence flag, then the values when there are any: the form classifiers keep in their zip.</summary>
    public static void WriteOptional(BinaryWriter writer, KeyValues? values)
    {
        writer.Write(values is not null);
        values?.Write(writer);
    }

    /// <summary>Reads what <see cref="WriteOptional"/> wrote; a damaged stream says which model it belongs to.</summary>
    public static KeyValues? ReadOptional(BinaryReader reader, string what)
    {
        try
        {
            return reader.ReadBoolean() ? Read(reader) : null;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw new InvalidDataException($"The {what} in this model zip is corrupt: {e.Message}", e);
        }
    }

    public static KeyValues Read(BinaryReader reader) => new(ScalarValues.Read(reader));
}
