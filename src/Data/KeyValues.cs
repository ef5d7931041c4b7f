using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Data;

/// <summary>The values behind a key-typed label (what <c>MapValueToKey</c> recorded), kept by a classifier so its
/// <c>PredictedLabel</c> maps back to the original labels, and written into the model zip.</summary>
internal sealed class KeyValues
{
    private static readonly Dictionary<Type, (byte Tag, PrimitiveDataViewType Type)> Types = new()
    {
        [typeof(ReadOnlyMemory<char>)] = (1, TextDataViewType.Instance),
        [typeof(float)] = (2, NumberDataViewType.Single),
        [typeof(double)] = (3, NumberDataViewType.Double),
        [typeof(int)] = (4, NumberDataViewType.Int32),
        [typeof(uint)] = (5, NumberDataViewType.UInt32),
        [typeof(long)] = (6, NumberDataViewType.Int64),
        [typeof(ulong)] = (7, NumberDataViewType.UInt64),
        [typeof(short)] = (8, NumberDataViewType.Int16),
        [typeof(ushort)] = (9, NumberDataViewType.UInt16),
        [typeof(byte)] = (10, NumberDataViewType.Byte),
        [typeof(sbyte)] = (11, NumberDataViewType.SByte),
        [typeof(bool)] = (12, BooleanDataViewType.Instance),
    };

    private readonly Array _values;

    private KeyValues(PrimitiveDataViewType itemType, Array values)
    {
        ItemType = itemType;
        _values = values;
    }

    public PrimitiveDataViewType ItemType { get; }
    public int Count => _values.Length;

    /// <summary>The key values of a label column, or null when it has none (or of a type we do not persist).</summary>
    public static KeyValues? FromColumn(DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues) is not { } annotation
            || annotation.Type is not VectorDataViewType { ItemType: PrimitiveDataViewType item }
            || !Types.ContainsKey(item.RawType))
            return null;
        var method = typeof(KeyValues).GetMethod(nameof(Read), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(item.RawType);
        return new KeyValues(item, (Array)method.Invoke(null, [column])!);
    }

    private static T[] Read<T>(DataViewSchema.Column column)
    {
        VBuffer<T> values = default;
        column.Annotations.GetValue(AnnotationUtils.Kinds.KeyValues, ref values);
        return values.DenseValues().ToArray();
    }

    /// <summary>Adds them as the KeyValues annotation of a key column.</summary>
    public void AddKeyValuesTo(DataViewSchema.Annotations.Builder builder)
    {
        var method = typeof(KeyValues).GetMethod(nameof(AddTyped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .MakeGenericMethod(ItemType.RawType);
        method.Invoke(this, [builder, AnnotationUtils.Kinds.KeyValues]);
    }

    private void AddTyped<T>(DataViewSchema.Annotations.Builder builder, string kind)
    {
        var values = (T[])_values;
        builder.Add(kind, new VectorDataViewType(ItemType, values.Length),
            (ref VBuffer<T> dst) => new VBuffer<T>(values.Length, values).CopyTo(ref dst));
    }

    /// <summary>The values as text, for the <c>SlotNames</c> of a score vector.</summary>
    public ReadOnlyMemory<char>[] AsText() =>
        _values.Cast<object>().Select(v => (v is ReadOnlyMemory<char> m ? m.ToString() : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").AsMemory()).ToArray();

    public void Write(BinaryWriter writer)
    {
        writer.Write(Types[ItemType.RawType].Tag);
        writer.Write(_values.Length);
        foreach (object v in _values)
        {
            switch (v)
            {
                case ReadOnlyMemory<char> m: writer.Write(m.ToString()); break;
                case float f: writer.Write(f); break;
                case double d: writer.Write(d); break;
                case int i: writer.Write(i); break;
                case uint u: writer.Write(u); break;
                case long l: writer.Write(l); break;
                case ulong ul: writer.Write(ul); break;
                case short s: writer.Write(s); break;
                case ushort us: writer.Write(us); break;
                case byte b: writer.Write(b); break;
                case sbyte sb: writer.Write(sb); break;
                case bool bo: writer.Write(bo); break;
            }
        }
    }

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

    public static KeyValues Read(BinaryReader reader)
    {
        byte tag = reader.ReadByte();
        var (raw, (_, type)) = Types.FirstOrDefault(t => t.Value.Tag == tag);
        if (raw is null)
            throw new InvalidDataException($"Unknown label value type tag {tag}.");
        int count = reader.ReadInt32();
        if (count < 0)
            throw new InvalidDataException($"Negative label value count {count}.");
        var values = Array.CreateInstance(raw, count);
        for (int i = 0; i < count; i++)
        {
            object v = tag switch
            {
                1 => reader.ReadString().AsMemory(),
                2 => reader.ReadSingle(),
                3 => reader.ReadDouble(),
                4 => reader.ReadInt32(),
                5 => reader.ReadUInt32(),
                6 => reader.ReadInt64(),
                7 => reader.ReadUInt64(),
                8 => reader.ReadInt16(),
                9 => reader.ReadUInt16(),
                10 => reader.ReadByte(),
                11 => reader.ReadSByte(),
                _ => reader.ReadBoolean(),
            };
            values.SetValue(v, i);
        }
        return new KeyValues(type, values);
    }
}
