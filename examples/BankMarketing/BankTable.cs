using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace BankMarketing;

/// <summary>A bank-marketing style CSV described from its own content: which columns are numbers, which are yes/no,
/// which are other categories, and the two values of the target. Everything after this description is ML.NET
/// transforms (<see cref="Preprocessing"/>): no value is changed by hand. The benchmark links this file, so both train
/// on exactly the same features.</summary>
internal sealed record BankTable(string Path, char Separator, string Target, string PositiveValue, string NegativeValue,
    IReadOnlyList<string> Columns, IReadOnlyList<string> Numeric, IReadOnlyList<string> YesNo,
    IReadOnlyList<string> Categorical, IReadOnlyList<(string Column, long Count, long FirstRow)> Missing)
{
    /// <summary>Reads the header, then every row as text once, and classifies the columns.</summary>
    /// <exception cref="InvalidDataException">No such target column, or its values are not exactly two.</exception>
    public static BankTable Infer(MLContext ml, string path, char separator, string target, string? positive)
    {
        string header = File.ReadLines(path).FirstOrDefault() ?? throw new InvalidDataException($"{path} is empty.");
        var columns = header.Split(separator).Select(c => c.Trim().Trim('"')).ToList();
        if (columns.Count < 2)
            throw new InvalidDataException(
                $"The header of {path} has one column with separator '{separator}': is the separator right (--sep ';' for the UCI files)?");
        if (!columns.Contains(target))
            throw new InvalidDataException($"Target column '{target}' is not in {path}; its columns: {string.Join(", ", columns)}.");

        var text = ml.Data.CreateTextLoader(new TextLoader.Options
        {
            Columns = [.. columns.Select((c, i) => new TextLoader.Column(c, DataKind.String, i))],
            Separators = [separator], HasHeader = true, AllowQuoting = true,
        }).Load(path);
        var numeric = Enumerable.Repeat(true, columns.Count).ToArray();
        var values = columns.Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToArray();
        var empty = new long[columns.Count];
        var firstEmpty = Enumerable.Repeat(-1L, columns.Count).ToArray();
        using (var cursor = text.GetRowCursor(text.Schema))
        {
            var getters = text.Schema.Select(c => cursor.GetGetter<ReadOnlyMemory<char>>(c)).ToArray();
            ReadOnlyMemory<char> cell = default;
            long row = 0;
            while (cursor.MoveNext())
            {
                for (int c = 0; c < columns.Count; c++)
                {
                    getters[c](ref cell);
                    var span = cell.Span.Trim();
                    if (span.IsEmpty)
                    {
                        if (empty[c]++ == 0)
                            firstEmpty[c] = row;
                        continue;
                    }
                    if (numeric[c] && !float.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                        numeric[c] = false;
                    if (values[c].Count <= 1000)
                        values[c].Add(span.ToString());
                }
                row++;
            }
        }

        int t = columns.IndexOf(target);
        var targetValues = values[t].Order(StringComparer.Ordinal).ToList();
        if (targetValues.Count != 2 || empty[t] > 0)
            throw new InvalidDataException(
                $"Target column '{target}' must hold exactly two values; it holds {targetValues.Count}" +
                $" ({string.Join(", ", targetValues.Take(10).Select(v => $"'{v}'"))}{(targetValues.Count > 10 ? ", ..." : "")})" +
                (empty[t] > 0 ? $" and {empty[t]} empty cell(s), the first on line {firstEmpty[t] + 2}" : "") + ".");
        string pos = positive ?? targetValues.FirstOrDefault(v => v.Equals("yes", StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidDataException(
                $"Target column '{target}' holds {string.Join(" and ", targetValues.Select(v => $"'{v}'"))}: say which one is the positive class with --positive.");
        if (!targetValues.Contains(pos))
            throw new InvalidDataException($"--positive '{pos}' is not a value of target column '{target}' ({string.Join(", ", targetValues)}).");

        var features = Enumerable.Range(0, columns.Count).Where(c => c != t).ToList();
        bool IsYesNo(int c) => !numeric[c] && values[c].Count > 0
            && values[c].All(v => v is "yes" or "no");
        return new BankTable(path, separator, target, pos, targetValues.Single(v => v != pos), columns,
            [.. features.Where(c => numeric[c]).Select(c => columns[c])],
            [.. features.Where(IsYesNo).Select(c => columns[c])],
            [.. features.Where(c => !numeric[c] && !IsYesNo(c)).Select(c => columns[c])],
            [.. features.Where(c => empty[c] > 0).Select(c => (columns[c], empty[c], firstEmpty[c]))]);
    }

    /// <summary>The typed loader: numeric columns as Single (an empty cell becomes NaN, not ML.NET's default 0, so
    /// that a missing value is seen), every other column as text.</summary>
    public TextLoader Loader(MLContext ml) => ml.Data.CreateTextLoader(new TextLoader.Options
    {
        Columns = [.. Columns.Select((c, i) => new TextLoader.Column(c, Numeric.Contains(c) ? DataKind.Single : DataKind.String, i))],
        Separators = [Separator], HasHeader = true, AllowQuoting = true, MissingRealsAsNaNs = true,
    });

    /// <summary>Target to a Boolean <c>Label</c> (positive value = true).</summary>
    public IEstimator<ITransformer> LabelMapping(MLContext ml) =>
        ml.Transforms.Conversion.MapValue("Label",
            [new KeyValuePair<string, bool>(PositiveValue, true), new(NegativeValue, false)], Target);

    /// <summary>The book's preprocessing, all ML.NET transforms: yes/no columns to 0/1, other text columns one-hot,
    /// numeric columns standardised (mean 0, variance 1, learnt on the data it is fitted on), concatenated into
    /// <c>Features</c>. With <paramref name="imputeMissing"/>, empty numeric cells get the column mean first (an empty
    /// yes/no cell reads as no, an empty category is a category of its own).</summary>
    public IEstimator<ITransformer> Preprocessing(MLContext ml, bool imputeMissing = false)
    {
        KeyValuePair<string, float>[] yesNo = [new("yes", 1f), new("no", 0f)];
        var features = new List<string>();
        IEstimator<ITransformer> pipeline = ml.Transforms.Concatenate("Numeric", [.. Numeric]);
        if (imputeMissing)
            pipeline = pipeline.Append(ml.Transforms.ReplaceMissingValues("Numeric",
                replacementMode: Microsoft.ML.Transforms.MissingValueReplacingEstimator.ReplacementMode.Mean));
        // fixZero: false centres the columns too (ML.NET's default only scales, to keep sparse zeros).
        pipeline = pipeline.Append(ml.Transforms.NormalizeMeanVariance("Numeric", fixZero: false));
        features.Add("Numeric");
        foreach (string column in YesNo)
        {
            pipeline = pipeline.Append(ml.Transforms.Conversion.MapValue(column + ".01", yesNo, column));
            features.Add(column + ".01");
        }
        if (Categorical.Count > 0)
        {
            pipeline = pipeline.Append(ml.Transforms.Categorical.OneHotEncoding(
                [.. Categorical.Select(c => new InputOutputColumnPair(c + ".onehot", c))]));
            features.AddRange(Categorical.Select(c => c + ".onehot"));
        }
        return pipeline.Append(ml.Transforms.Concatenate("Features", [.. features]));
    }
}
