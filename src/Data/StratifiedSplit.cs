using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Data;

/// <summary>Stratified splits: every class keeps its share in both parts. ML.NET's own <c>TrainTestSplit</c> samples
/// rows by a hash, so on a small or imbalanced data set the class balance of the parts drifts (and a rare class can
/// vanish from one part); scikit-learn's <c>train_test_split(stratify=y)</c>, which the reference recipes use, does
/// not.</summary>
internal static class StratifiedSplit
{
    /// <summary>Row indices (ascending) of the two parts: per class, a seeded shuffle, then the rounded
    /// <paramref name="fraction"/> of the class (at least one row of every class that has two or more) goes to the
    /// second part.</summary>
    public static (List<int> First, List<int> Second) Indices(ReadOnlySpan<long> classes, int classCount, double fraction,
        int seed)
    {
        var random = new Random(seed);
        var byClass = Enumerable.Range(0, classCount).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < classes.Length; i++)
            byClass[classes[i]].Add(i);
        var first = new List<int>(classes.Length);
        var second = new List<int>();
        foreach (var rows in byClass)
        {
            var order = rows.ToArray();
            random.Shuffle(order);
            int take = order.Length < 2 ? 0 : Math.Clamp((int)Math.Round(order.Length * fraction), 1, order.Length - 1);
            second.AddRange(order.Take(take));
            first.AddRange(order.Skip(take));
        }
        first.Sort();
        second.Sort();
        return (first, second);
    }

    /// <summary>Splits <paramref name="data"/> into training and test views by one pass over its label column.</summary>
    public static DataOperationsCatalog.TrainTestData Split(IDataView data, double testFraction, string labelColumnName,
        int seed)
    {
        var label = SchemaChecks.FindColumn(data.Schema, labelColumnName, "label");
        var (classes, names) = ReadClasses(data, label);
        if (classes.Length == 0)
            throw new InvalidDataException("The data to split has no rows.");
        if (names.Count < 2)
            throw new InvalidDataException(
                $"Label column '{labelColumnName}' holds a single value ({names[0]}) in all {classes.Length} rows: a stratified split needs at least two classes.");
        var counts = new int[names.Count];
        foreach (long c in classes)
            counts[c]++;
        for (int k = 0; k < counts.Length; k++)
            if (counts[k] < 2)
                throw new InvalidDataException(
                    $"Label column '{labelColumnName}': class {names[k]} has only {counts[k]} row, so one part of the split would have none of it; a stratified split needs at least two rows per class.");
        var (train, test) = Indices(classes, names.Count, testFraction, seed);
        return new DataOperationsCatalog.TrainTestData(new RowSubsetDataView(data, train, classes.Length),
            new RowSubsetDataView(data, test, classes.Length));
    }

    /// <summary>Each row's class index (classes numbered in order of first appearance) and each class's printable value.</summary>
    private static (long[] Classes, List<string> Names) ReadClasses(IDataView data, DataViewSchema.Column label)
    {
        var method = typeof(StratifiedSplit).GetMethod(nameof(ReadTyped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(label.Type.RawType);
        return ((long[], List<string>))method.Invoke(null, [data, label])!;
    }

    private static (long[], List<string>) ReadTyped<T>(IDataView data, DataViewSchema.Column label)
    {
        var ids = new Dictionary<string, long>();
        var names = new List<string>();
        var classes = new List<long>();
        using var cursor = data.GetRowCursor([label]);
        var getter = cursor.GetGetter<T>(label);
        T value = default!;
        while (cursor.MoveNext())
        {
            getter(ref value);
            // Text arrives as ReadOnlyMemory<char>, which has no value equality: compare the printed values.
            string key = Convert.ToString(value is ReadOnlyMemory<char> m ? m.ToString() : value,
                System.Globalization.CultureInfo.InvariantCulture) ?? "";
            if (!ids.TryGetValue(key, out long id))
            {
                ids[key] = id = names.Count;
                names.Add($"'{key}'");
            }
            classes.Add(id);
        }
        return (classes.ToArray(), names);
    }
}

/// <summary>The rows of an input view whose 0-based positions are listed, in order. The input must give its rows in
/// the same order on every cursor (a file loader or an in-memory view does).</summary>
internal sealed class RowSubsetDataView : IDataView
{
    private readonly IDataView _input;
    private readonly bool[] _keep;
    private readonly long _count;

    public RowSubsetDataView(IDataView input, IReadOnlyList<int> rows, long inputRows)
    {
        _input = input;
        _keep = new bool[inputRows];
        foreach (int row in rows)
            _keep[row] = true;
        _count = rows.Count;
    }

    public bool CanShuffle => false;
    public DataViewSchema Schema => _input.Schema;
    public long? GetRowCount() => _count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(_input.GetRowCursor(columnsNeeded), _keep);

    // Row selection follows the input's order, so one cursor serves every request.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(DataViewRowCursor input, bool[] keep) : DataViewRowCursor
    {
        private long _inputRow = -1, _position = -1;

        public override DataViewSchema Schema => input.Schema;
        public override long Position => _position;
        public override long Batch => 0;
        public override bool IsColumnActive(DataViewSchema.Column column) => input.IsColumnActive(column);
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => input.GetGetter<TValue>(column);
        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

        public override bool MoveNext()
        {
            while (input.MoveNext())
            {
                if (++_inputRow >= keep.Length)
                    throw new InvalidOperationException(
                        $"The data now has more rows than the {keep.Length} it had when it was split; split it again.");
                if (keep[_inputRow])
                {
                    _position++;
                    return true;
                }
            }
            _position = -1;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                input.Dispose();
            base.Dispose(disposing);
        }
    }
}
