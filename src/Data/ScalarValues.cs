using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Data;

/// <summary>Values of one ML.NET scalar type in an array (text, Boolean, any number, or key numbers): the values behind
/// a key (<see cref="KeyValues"/>), a search gallery's labels and ids. Saved as a type tag, the count and the values;
/// generic code over the value type stays inside this class.</summary>
internal abstract class ScalarValues
{
    /// <summary>The savable types and their tags; tags never change (saved classifiers carry them).</summary>
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

    private protected ScalarValues(PrimitiveDataViewType itemType) => ItemType = itemType;

    /// <summary>The ML.NET type of each value (a <see cref="KeyDataViewType"/> for key numbers).</summary>
    public PrimitiveDataViewType ItemType { get; }

    public abstract int Count { get; }

    /// <summary>Whether values of <paramref name="type"/> can be held and saved: text, Boolean, any number but row ids.</summary>
    public static bool IsSavable(DataViewType type) => type is not KeyDataViewType && Types.ContainsKey(type.RawType);

    /// <summary>Values of <paramref name="itemType"/> (its raw type must be <typeparamref name="T"/>).</summary>
    public static ScalarValues Of<T>(PrimitiveDataViewType itemType, T[] values) => new Typed<T>(itemType, values);

    /// <summary>Keys 1 .. <paramref name="count"/> of a <c>Key&lt;UInt32, count&gt;</c>: a key column's classes.</summary>
    public static ScalarValues Keys(int count) =>
        Of(new KeyDataViewType(typeof(uint), count), Enumerable.Range(1, count).Select(k => (uint)k).ToArray());

    /// <summary>The values, which are <typeparamref name="T"/>s (the type's raw type).</summary>
    public IReadOnlyList<T> As<T>() => ((Typed<T>)this).Values;

    /// <summary>The values as text (invariant culture; numbers round-trip).</summary>
    public abstract ReadOnlyMemory<char>[] AsText();

    /// <summary>The values at <paramref name="positions"/>, in that order.</summary>
    public abstract ScalarValues Select(IReadOnlyList<int> positions);

    /// <summary>These values, then <paramref name="more"/>'s (of the same type).</summary>
    public abstract ScalarValues Concat(ScalarValues more);

    /// <summary>A <c>ValueGetter&lt;VBuffer&lt;T&gt;&gt;</c> of <paramref name="length"/> values whose slot t is the
    /// value at <paramref name="position"/>(t), read when the getter is called.</summary>
    public abstract Delegate VectorGetter(int length, Func<int, int> position);

    /// <summary>Adds them as annotation <paramref name="kind"/> (a vector of <see cref="Count"/> values).</summary>
    public abstract void AddAnnotation(DataViewSchema.Annotations.Builder builder, string kind);

    public void Write(BinaryWriter writer)
    {
        writer.Write(Types.TryGetValue(ItemType.RawType, out var t) && ItemType is not KeyDataViewType
            ? t.Tag : throw new InvalidOperationException($"Values of {ItemType} are not saved."));
        writer.Write(Count);
        WriteValues(writer);
    }

    private protected abstract void WriteValues(BinaryWriter writer);

    public static ScalarValues Read(BinaryReader reader)
    {
        byte tag = reader.ReadByte();
        var (raw, (_, type)) = Types.FirstOrDefault(t => t.Value.Tag == tag);
        if (raw is null)
            throw new InvalidDataException($"Unknown value type tag {tag}.");
        int count = reader.ReadInt32();
        if (count < 0)
            throw new InvalidDataException($"Negative value count {count}.");
        return tag switch
        {
            1 => Of(type, ReadMany(count, () => reader.ReadString().AsMemory())),
            2 => Of(type, ReadMany(count, reader.ReadSingle)),
            3 => Of(type, ReadMany(count, reader.ReadDouble)),
            4 => Of(type, ReadMany(count, reader.ReadInt32)),
            5 => Of(type, ReadMany(count, reader.ReadUInt32)),
            6 => Of(type, ReadMany(count, reader.ReadInt64)),
            7 => Of(type, ReadMany(count, reader.ReadUInt64)),
            8 => Of(type, ReadMany(count, reader.ReadInt16)),
            9 => Of(type, ReadMany(count, reader.ReadUInt16)),
            10 => Of(type, ReadMany(count, reader.ReadByte)),
            11 => Of(type, ReadMany(count, reader.ReadSByte)),
            _ => Of(type, ReadMany(count, reader.ReadBoolean)),
        };
    }

    private static T[] ReadMany<T>(int count, Func<T> read)
    {
        // Grown as read, so a corrupt count cannot allocate gigabytes before the stream runs out.
        var values = new List<T>(Math.Min(count, 1 << 16));
        for (int i = 0; i < count; i++)
            values.Add(read());
        return [.. values];
    }

    private sealed class Typed<T>(PrimitiveDataViewType itemType, T[] values) : ScalarValues(itemType)
    {
        public override int Count => values.Length;

        public override ReadOnlyMemory<char>[] AsText() => values.Select(v => Text(v).AsMemory()).ToArray();

        private static string Text(T value) =>
            value is ReadOnlyMemory<char> m ? m.ToString() : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

        public override ScalarValues Select(IReadOnlyList<int> positions)
        {
            var selected = new T[positions.Count];
            for (int i = 0; i < selected.Length; i++)
                selected[i] = values[positions[i]];
            return new Typed<T>(ItemType, selected);
        }

        public override ScalarValues Concat(ScalarValues more) =>
            new Typed<T>(ItemType, [.. values, .. ((Typed<T>)more).Values]);

        public T[] Values => values;

        public override Delegate VectorGetter(int length, Func<int, int> position) =>
            (ValueGetter<VBuffer<T>>)((ref VBuffer<T> dst) =>
            {
                var editor = VBufferEditor.Create(ref dst, length);
                for (int t = 0; t < length; t++)
                    editor.Values[t] = values[position(t)];
                dst = editor.Commit();
            });

        public override void AddAnnotation(DataViewSchema.Annotations.Builder builder, string kind) =>
            builder.Add(kind, new VectorDataViewType(ItemType, values.Length),
                (ref VBuffer<T> dst) => new VBuffer<T>(values.Length, values).CopyTo(ref dst));

        private protected override void WriteValues(BinaryWriter writer)
        {
            foreach (T v in values)
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
    }
}
