using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Data;

/// <summary>The values of one scalar column, numbered by first appearance: <see cref="Texts"/>[i] is the text of
/// value i, <see cref="Values"/> holds it in the column's own type (keys as key numbers), <see cref="Missing"/>[i]
/// whether it is ML.NET's missing value (key 0, floating-point NaN).</summary>
internal sealed class ColumnValues(int[] ids, List<string> texts, ScalarValues values, List<bool> missing)
{
    /// <summary>Value number of each row.</summary>
    public int[] Ids { get; } = ids;
    public List<string> Texts { get; } = texts;
    public ScalarValues Values { get; } = values;
    public List<bool> Missing { get; } = missing;
}

/// <summary>Reads an embedding column and scalar columns (labels, projector metadata) from an
/// <see cref="IDataView"/> in one cursor pass, after checking the schema.</summary>
internal static class EmbeddingReader
{
    /// <summary>The embedding column (a known-size <c>Vector&lt;Single&gt;</c>, of <paramref name="expectedDims"/>
    /// when given) and the scalar columns, checked before any row is read; returns the vector size. Messages call the
    /// vector column by <paramref name="vectorRole"/>.</summary>
    public static int CheckSchema(DataViewSchema schema, string embeddingColumn, IReadOnlyList<(string Name, string Role)> scalarColumns,
        int? expectedDims, string vectorRole = "embedding")
    {
        var embedding = SchemaChecks.FindColumn(schema, embeddingColumn, vectorRole);
        int dims = SchemaChecks.CheckFloatVector(embedding, vectorRole, expectedDims);
        foreach (var (name, role) in scalarColumns)
        {
            var column = SchemaChecks.FindColumn(schema, name, role);
            if (column.Type is not PrimitiveDataViewType primitive || !Supported(primitive))
                throw SchemaChecks.Mismatch(role, name,
                    "a scalar Key<UInt32>, Boolean, Text or number (Single, Double, Int32, UInt32, Int64, ...)", $"{column.Type}");
        }
        return dims;
    }

    private static bool Supported(PrimitiveDataViewType type) =>
        type is KeyDataViewType { RawType: var key } ? key == typeof(uint)
            : type is TextDataViewType or BooleanDataViewType || (type is NumberDataViewType && type.RawType != typeof(DataViewRowId));

    /// <summary>Reads every row: embeddings row-major (count x dims; checked finite) and the scalar columns'
    /// values. Call <see cref="CheckSchema"/> first.</summary>
    public static (float[] Rows, int Count, ColumnValues[] Columns) Read(IDataView data, string embeddingColumn, int dims,
        IReadOnlyList<string> scalarColumns, string dataName)
    {
        var embedding = data.Schema[embeddingColumn];
        var columns = scalarColumns.Select(name => data.Schema[name]).ToArray();
        int capacity = (int)Math.Clamp(data.GetRowCount() ?? 1024, 1, int.MaxValue);
        var rows = new float[checked(capacity * dims)];
        var ids = columns.Select(_ => new int[capacity]).ToArray();
        using var cursor = data.GetRowCursor([embedding, .. columns]);
        var getEmbedding = cursor.GetGetter<VBuffer<float>>(embedding);
        var readers = columns.Select(c => ValueReader.Create(cursor, c)).ToArray();
        VBuffer<float> buffer = default;
        int count = 0;
        while (cursor.MoveNext())
        {
            if (count == capacity)
            {
                capacity = checked(capacity * 2);
                Array.Resize(ref rows, checked(capacity * dims));
                for (int c = 0; c < ids.Length; c++)
                    Array.Resize(ref ids[c], capacity);
            }
            getEmbedding(ref buffer);
            var row = rows.AsSpan(count * dims, dims);
            buffer.CopyTo(row);
            RowChecks.CheckFinite(row, dataName, count, embedding, "embedding");
            for (int c = 0; c < readers.Length; c++)
                ids[c][count] = readers[c].Next();
            count++;
        }
        if (count == 0)
            throw new InvalidDataException($"{dataName} is empty: embedding column '{embeddingColumn}' has no rows.");
        return (rows, count, readers.Select((r, c) => new ColumnValues(ids[c][..count], r.Texts, r.Values(), r.Missing)).ToArray());
    }

    /// <summary>Numbers a column's values by first appearance and keeps their text (invariant culture, floats
    /// round-trip; keys as their key values when the column has them, else as the key number).</summary>
    private abstract class ValueReader
    {
        public List<string> Texts { get; } = [];
        public List<bool> Missing { get; } = [];

        public abstract int Next();

        /// <summary>The distinct values read so far, in the column's type.</summary>
        public abstract ScalarValues Values();

        public static ValueReader Create(DataViewRowCursor cursor, DataViewSchema.Column column)
        {
            var invariant = CultureInfo.InvariantCulture;
            return column.Type switch
            {
                KeyDataViewType => KeyReader(cursor, column),
                // Text is kept as a copy: a cursor may reuse the memory a value points into.
                TextDataViewType => new Typed<ReadOnlyMemory<char>, string>(cursor, column, m => m.ToString(), m => m.ToString(), _ => false,
                    m => m.ToString().AsMemory()),
                _ when column.Type.RawType == typeof(float) => Same<float>(cursor, column, v => v.ToString("R", invariant), float.IsNaN),
                _ when column.Type.RawType == typeof(double) => Same<double>(cursor, column, v => v.ToString("R", invariant), double.IsNaN),
                _ when column.Type.RawType == typeof(bool) => Same<bool>(cursor, column, v => v ? "true" : "false"),
                _ when column.Type.RawType == typeof(sbyte) => Same<sbyte>(cursor, column, v => v.ToString(invariant)),
                _ when column.Type.RawType == typeof(byte) => Same<byte>(cursor, column, v => v.ToString(invariant)),
                _ when column.Type.RawType == typeof(short) => Same<short>(cursor, column, v => v.ToString(invariant)),
                _ when column.Type.RawType == typeof(ushort) => Same<ushort>(cursor, column, v => v.ToString(invariant)),
                _ when column.Type.RawType == typeof(int) => Same<int>(cursor, column, v => v.ToString(invariant)),
                _ when column.Type.RawType == typeof(uint) => Same<uint>(cursor, column, v => v.ToString(invariant)),
                _ when column.Type.RawType == typeof(long) => Same<long>(cursor, column, v => v.ToString(invariant)),
                _ when column.Type.RawType == typeof(ulong) => Same<ulong>(cursor, column, v => v.ToString(invariant)),
                _ => throw new InvalidOperationException($"Column '{column.Name}' of type {column.Type} passed the schema check but has no reader."),
            };
        }

        private static ValueReader KeyReader(DataViewRowCursor cursor, DataViewSchema.Column column)
        {
            var values = KeyValues.FromColumn(column)?.AsText();
            return Same<uint>(cursor, column,
                key => key == 0 ? "" : values is not null && key <= values.Length ? values[key - 1].ToString() : key.ToString(CultureInfo.InvariantCulture),
                key => key == 0);
        }

        private static Typed<T, T> Same<T>(DataViewRowCursor cursor, DataViewSchema.Column column, Func<T, string> text,
            Func<T, bool>? missing = null) where T : notnull =>
            new(cursor, column, text, v => v, missing ?? (_ => false), v => v);

        /// <summary>Values read as <typeparamref name="T"/>, told apart by <typeparamref name="TKey"/> (text is
        /// compared by content, not by the memory it sits in); <paramref name="keep"/> copies a new value to keep.</summary>
        private sealed class Typed<T, TKey>(DataViewRowCursor cursor, DataViewSchema.Column column, Func<T, string> text,
            Func<T, TKey> key, Func<T, bool> missing, Func<T, T> keep) : ValueReader where TKey : notnull
        {
            private readonly ValueGetter<T> _getter = cursor.GetGetter<T>(column);
            private readonly Dictionary<TKey, int> _ids = [];
            private readonly List<T> _distinct = [];
            private readonly PrimitiveDataViewType _type = (PrimitiveDataViewType)column.Type;
            private T _value = default!;

            public override ScalarValues Values() => ScalarValues.Of(_type, _distinct.ToArray());

            public override int Next()
            {
                _getter(ref _value);
                var k = key(_value);
                if (_ids.TryGetValue(k, out int id))
                    return id;
                _ids.Add(k, id = Texts.Count);
                Texts.Add(text(_value));
                _distinct.Add(keep(_value));
                Missing.Add(missing(_value));
                return id;
            }
        }
    }
}
