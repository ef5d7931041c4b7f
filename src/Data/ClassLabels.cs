using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Persistence;

namespace MlNetTriplet.Data;

/// <summary>Reads a classifier's label on a cursor as a 0-based class: a key (class = key - 1) or a Boolean (false 0,
/// true 1, as ML.NET's binary trainers read it). A missing key (an empty label, or a value MapValueToKey did not
/// know) is an error naming the row.</summary>
internal sealed class ClassLabels
{
    private readonly Func<long> _read;
    private readonly string _column, _dataName;

    public ClassLabels(DataViewRow row, DataViewSchema.Column column, string dataName)
    {
        (_column, _dataName) = (column.Name, dataName);
        if (column.Type is BooleanDataViewType)
        {
            var getBool = row.GetGetter<bool>(column);
            bool value = false;
            _read = () =>
            {
                getBool(ref value);
                return value ? 1 : 0;
            };
            return;
        }
        var getKey = row.GetGetter<uint>(column);
        uint key = 0;
        _read = () =>
        {
            getKey(ref key);
            return (long)key - 1;
        };
    }

    /// <summary>The current row's class; <paramref name="position"/> names the row in the error.</summary>
    public long Read(long position)
    {
        long value = _read();
        return value >= 0 ? value
            : throw new InvalidDataException(
                $"{_dataName}: row {position} has no class in label column '{_column}' (a missing key): its label is empty (MapValueToKey turns empty text into a missing key), or is a value the MapValueToKey that made the column did not see when it was fitted. Give every row a label, or remove the rows without one.");
    }

    /// <summary>Rows per class of <paramref name="data"/>'s label (one cursor pass over that column only).</summary>
    public static int[] Count(IDataView data, string labelColumn, int classCount, string dataName,
        CancellationToken cancellation = default)
    {
        var label = data.Schema[labelColumn];
        var counts = new int[classCount];
        using var cursor = data.GetRowCursor([label]);
        var labels = new ClassLabels(cursor, label, dataName);
        long rows = 0;
        while (cursor.MoveNext())
        {
            if ((rows & 1023) == 0)
                cancellation.ThrowIfCancellationRequested();
            counts[labels.Read(rows++)]++;
        }
        return counts;
    }

    /// <summary>What every classifier needs before its first step: two classes or more in training, and no validation
    /// class unseen in training. <paramref name="className"/> names a 0-based class in messages.</summary>
    public static void CheckForClassifier(int[] trainCounts, int[]? validationCounts, string labelColumn,
        Func<int, string> className)
    {
        if (trainCounts.Count(c => c > 0) < 2)
            throw new InvalidOperationException(
                $"Training data has only one class in label column '{labelColumn}' ({trainCounts.Sum()} rows, all {className(Array.FindIndex(trainCounts, c => c > 0))}); a classifier needs at least two. A split that leaves a class out? Use mlContext.Data.StratifiedTrainTestSplit.");
        if (validationCounts is null)
            return;
        var unseen = validationCounts.Select((c, k) => (c, k)).Where(p => p.c > 0 && trainCounts[p.k] == 0).ToList();
        if (unseen.Count > 0)
            throw new InvalidDataException(
                $"Validation data has labels unseen in the training data (label column '{labelColumn}', classes {string.Join(", ", unseen.Select(p => className(p.k)))}).");
    }

    /// <summary>Checks that validation data's label keys mean what the training data's mean: the same key values
    /// (MapValueToKey's annotation) in the same order, not only as many. Labels keyed separately (ants/bees in training,
    /// bees/wasps in validation, each with its own MapValueToKey) would otherwise score every validation row against the
    /// wrong class, silently. Columns without key values (or not keys) are left to the schema checks.</summary>
    /// <exception cref="ArgumentException">The key values differ; the message names the first that differ.</exception>
    public static void CheckSameKeys(DataViewSchema.Column train, DataViewSchema.Column validation)
    {
        if (KeyValues.FromColumn(train)?.AsText() is not { } trained || KeyValues.FromColumn(validation)?.AsText() is not { } validated)
            return;
        int differ = Enumerable.Range(0, Math.Max(trained.Length, validated.Length))
            .FirstOrDefault(k => k >= trained.Length || k >= validated.Length || !trained[k].Span.SequenceEqual(validated[k].Span), -1);
        if (differ < 0)
            return;
        static string Key(ReadOnlyMemory<char>[] values, int k) => k < values.Length ? $"'{values[k]}'" : "absent";
        static string List(ReadOnlyMemory<char>[] values) => string.Join(", ", values.Take(12).Select(v => v.ToString()))
            + (values.Length > 12 ? $", ... ({values.Length} in all)" : "");
        throw new ArgumentException(
            $"Validation data's label column '{validation.Name}' is keyed differently from the training data's: key {differ + 1} is {Key(validated, differ)} in validation but {Key(trained, differ)} in training (training keys: {List(trained)}; validation keys: {List(validated)}). Key both with one MapValueToKey fitted on the training data.",
            "validationData");
    }
}
