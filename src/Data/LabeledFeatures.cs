using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Data;

/// <summary>Feature vectors and 0-based class labels read from an <see cref="IDataView"/> in one cursor pass into
/// flat arrays (rows x size), checked on the way: finite values, no missing labels. Labels are keys (class = key - 1)
/// or Booleans (false = 0, true = 1, as ML.NET's binary trainers read them). Without a label column only the features
/// are read (<see cref="Labels"/> is then empty).</summary>
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
        var labels = label is { } active ? new ClassLabels(cursor, active, dataName) : null;
        VBuffer<float> buffer = default;
        while (cursor.MoveNext())
        {
            if ((rows & 1023) == 0)
                cancellation.ThrowIfCancellationRequested();
            if (rows * size == x.Length)
            {
                Array.Resize(ref x, checked(rows * 2 * size));
                if (labels is not null)
                    Array.Resize(ref y, rows * 2);
            }
            if (labels is not null)
                y[rows] = labels.Read(rows);
            getFeatures(ref buffer);
            var row = x.AsSpan(rows * size, size);
            buffer.CopyTo(row);
            RowChecks.CheckFinite(row, dataName, rows, features, "feature",
                "Missing values in the input? Add mlContext.Transforms.ReplaceMissingValues before the trainer, or remove those rows.");
            rows++;
        }
        if (rows == 0)
            throw new InvalidDataException($"{dataName} is empty: column '{featureColumn}' has no rows.");
        return new LabeledFeatures(x, y, rows, size);
    }

    /// <summary>A classifier's training rows and validation rows: <paramref name="validationData"/> when given, else a
    /// stratified <paramref name="validationFraction"/> of the training rows (none when 0). Checks what every
    /// classifier needs before any training step: two classes or more in training, no validation class unseen in
    /// training. <paramref name="className"/> names a 0-based class in messages.</summary>
    public static (LabeledFeatures Train, LabeledFeatures? Validation) ReadForClassifier(IDataView trainData,
        IDataView? validationData, string featureColumn, string labelColumn, int size, int classCount,
        double validationFraction, int seed, Func<int, string> className, CancellationToken cancellation)
    {
        var train = Read(trainData, featureColumn, labelColumn, size, "Training data", cancellation);
        var trainCounts = train.ClassCounts(classCount);
        ClassLabels.CheckForClassifier(trainCounts, null, labelColumn, className);
        if (validationData is null)
            return validationFraction > 0 ? train.SplitStratified(validationFraction, classCount, seed) : (train, null);
        var valid = Read(validationData, featureColumn, labelColumn, size, "Validation data", cancellation);
        ClassLabels.CheckForClassifier(trainCounts, valid.ClassCounts(classCount), labelColumn, className);
        return (train, valid);
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
        var (train, validation) = StratifiedSplit.Indices(Labels.AsSpan(0, Rows), classCount, fraction, seed);
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
