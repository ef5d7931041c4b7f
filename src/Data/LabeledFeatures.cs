using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Data;

/// <summary>Feature vectors and 0-based class labels read from an <see cref="IDataView"/> in one cursor pass into
/// flat arrays (rows x size), checked on the way: finite values, no missing labels. Without a label column only the
/// features are read (<see cref="Labels"/> is then empty).</summary>
internal sealed class LabeledFeatures(float[] features, long[] labels, int rows, int size)
{
    public float[] Features { get; } = features;
    public long[] Labels { get; } = labels;
    public int Rows { get; } = rows;
    public int Size { get; } = size;

    public static LabeledFeatures Read(IDataView data, string featureColumn, string? labelColumn, int size,
        string dataName, CancellationToken cancellation = default)
    {
        var features = data.Schema[featureColumn];
        DataViewSchema.Column? label = labelColumn is null ? null : data.Schema[labelColumn];
        int capacity = (int)Math.Clamp(data.GetRowCount() ?? 1024, 1, int.MaxValue / size);
        float[] x = new float[checked(capacity * size)];
        long[] y = new long[label is null ? 0 : capacity];
        int rows = 0;
        using var cursor = data.GetRowCursor(label is { } l ? [features, l] : [features]);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
        var getLabel = label is { } active ? cursor.GetGetter<uint>(active) : null;
        VBuffer<float> buffer = default;
        uint key = 0;
        while (cursor.MoveNext())
        {
            if ((rows & 1023) == 0)
                cancellation.ThrowIfCancellationRequested();
            if (rows * size == x.Length)
            {
                Array.Resize(ref x, checked(rows * 2 * size));
                if (getLabel is not null)
                    Array.Resize(ref y, rows * 2);
            }
            if (getLabel is not null)
            {
                getLabel(ref key);
                if (key == 0)
                    throw new InvalidDataException(
                        $"{dataName}: row {rows} has a missing value in label column '{labelColumn}' (a value that MapValueToKey did not know).");
                y[rows] = key - 1;
            }
            getFeatures(ref buffer);
            var row = x.AsSpan(rows * size, size);
            buffer.CopyTo(row);
            int bad = IndexOfNonFinite(row);
            if (bad >= 0)
                throw new InvalidDataException(
                    $"{dataName}: row {rows} of feature column '{featureColumn}' holds {row[bad]} at slot {bad}; expected finite numbers.");
            rows++;
        }
        if (rows == 0)
            throw new InvalidDataException($"{dataName} is empty: column '{featureColumn}' has no rows.");
        return new LabeledFeatures(x, y, rows, size);
    }

    /// <summary>The first slot holding NaN or an infinity, or -1.</summary>
    internal static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                return i;
        return -1;
    }

    /// <summary>How many rows each class has (index = 0-based class).</summary>
    public int[] ClassCounts(int classCount)
    {
        var counts = new int[classCount];
        for (int i = 0; i < Rows; i++)
            counts[Labels[i]]++;
        return counts;
    }

    /// <summary>Splits off a stratified validation part (at least one row of every class with two or more rows).</summary>
    public (LabeledFeatures train, LabeledFeatures validation) SplitStratified(double fraction, int classCount, int seed)
    {
        var random = new Random(seed);
        var byClass = Enumerable.Range(0, classCount).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < Rows; i++)
            byClass[Labels[i]].Add(i);
        var train = new List<int>(Rows);
        var validation = new List<int>();
        foreach (var rows in byClass)
        {
            var order = rows.ToArray();
            random.Shuffle(order);
            int take = order.Length < 2 ? 0 : Math.Clamp((int)Math.Round(order.Length * fraction), 1, order.Length - 1);
            validation.AddRange(order.Take(take));
            train.AddRange(order.Skip(take));
        }
        train.Sort();
        validation.Sort();
        if (validation.Count == 0)
            throw new InvalidOperationException($"ValidationFraction {fraction} leaves no validation rows out of {Rows}.");
        return (Subset(train), Subset(validation));
    }

    private LabeledFeatures Subset(List<int> rows)
    {
        var x = new float[(long)rows.Count * Size];
        var y = new long[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            Features.AsSpan(rows[i] * Size, Size).CopyTo(x.AsSpan(i * Size, Size));
            y[i] = Labels[rows[i]];
        }
        return new LabeledFeatures(x, y, rows.Count, Size);
    }
}
