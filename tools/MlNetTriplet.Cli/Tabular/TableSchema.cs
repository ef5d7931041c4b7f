using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MlNetTriplet.Cli.Commands;

namespace MlNetTriplet.Cli.Tabular;

/// <summary>How a feature column is used.</summary>
internal enum ColumnKind
{
    /// <summary>Numbers: empty cells get the column mean, then standardised (mean 0, variance 1).</summary>
    Numeric,
    /// <summary>Two values such as yes/no or true/false: one-hot.</summary>
    Boolean,
    /// <summary>Up to <see cref="TableSchema.MaxOneHotValues"/> distinct values: one-hot.</summary>
    Categorical,
    /// <summary>More distinct values than that: one-hot of a hash (1,024 slots).</summary>
    ManyCategories,
    /// <summary>Free text (several words per cell): word and character n-grams (ML.NET FeaturizeText).</summary>
    Text,
    /// <summary>Left out: ID-like, empty, constant, or named by --ignore-cols.</summary>
    Ignored,
}

/// <summary>What the scan found in one column.</summary>
/// <param name="Name">The header's name.</param>
/// <param name="Kind">How it is used.</param>
/// <param name="Note">Why, when it is left out or treated specially.</param>
/// <param name="Empty">Empty cells.</param>
/// <param name="Distinct">Distinct non-empty values.</param>
/// <param name="Examples">A few values.</param>
internal sealed record ColumnInfo(string Name, ColumnKind Kind, string Note, long Empty, int Distinct, IReadOnlyList<string> Examples)
{
    /// <summary>The kind as the report's schema table says it.</summary>
    public string KindName => Kind switch
    {
        ColumnKind.ManyCategories => "categorical (many values)",
        _ => Kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The ML.NET preprocessing the column goes through.</summary>
    public string Usage => Kind switch
    {
        ColumnKind.Numeric => Empty > 0 ? "missing → mean, standardised" : "standardised",
        ColumnKind.Boolean or ColumnKind.Categorical => "one-hot",
        ColumnKind.ManyCategories => "hashed one-hot (1,024 slots)",
        ColumnKind.Text => "word and character n-grams",
        _ => "left out",
    };
}

/// <summary>The label column: its classes, and for two classes which one is positive.</summary>
/// <param name="Name">The column.</param>
/// <param name="Classes">Each class and its rows, in ordinal order of the values.</param>
/// <param name="Positive">The positive class of a binary label, else null.</param>
internal sealed record LabelInfo(string Name, IReadOnlyList<(string Value, long Rows)> Classes, string? Positive)
{
    public bool IsBinary => Classes.Count == 2;

    /// <summary>The other class of a binary label.</summary>
    public string Negative => Classes.Single(c => c.Value != Positive).Value;
}

/// <summary>A CSV described from its own content: each column's kind, the label's classes; and the ML.NET loader and
/// preprocessing that follow from it.</summary>
internal sealed record TableSchema(CsvFormat Format, long Rows, IReadOnlyList<ColumnInfo> Columns, LabelInfo Label)
{
    /// <summary>Categorical columns with more distinct values are hashed.</summary>
    public const int MaxOneHotValues = 100;

    /// <summary>Labels with more distinct values are taken for numbers to predict, not classes.</summary>
    public const int MaxClasses = 100;

    /// <summary>Fewest rows a class may have: both the training and the held-out part need some.</summary>
    public const int MinRowsPerClass = 5;

    /// <summary>Fewest data rows worth training on.</summary>
    public const int MinRows = 20;

    /// <summary>The name the Boolean or key label gets inside the pipeline (apart from the user's columns).</summary>
    public const string LabelColumn = "__Label";

    /// <summary>The name of the preprocessed feature vector.</summary>
    public const string FeaturesColumn = "__Features";

    private static readonly string[] Affirmative = ["yes", "true", "1", "y", "t", "positive", "pos"];
    private static readonly (string, string)[] BooleanPairs = [("yes", "no"), ("true", "false"), ("y", "n"), ("t", "f")];

    /// <summary>The feature columns the model uses.</summary>
    public IEnumerable<ColumnInfo> Features => Columns.Where(c => c.Name != Label.Name && c.Kind != ColumnKind.Ignored);

    /// <summary>Reads every row once as text and classifies the columns.</summary>
    /// <exception cref="InputException">The label is missing, empty in places, holds one class or too many, a class has
    /// too few rows, a row has more or fewer fields than the header, there are too few rows or no usable feature.</exception>
    public static TableSchema Infer(MLContext ml, CsvFormat format, string label, IReadOnlyCollection<string> ignore, int? maxRows)
    {
        string columnList = string.Join(", ", format.Columns.Select(c => $"'{c}'"));
        if (!format.Columns.Contains(label))
            throw new InputException($"Label column '{label}' is not in '{format.Path}' (separator {CsvFormat.Describe(format.Separator)}); its columns are {columnList}. Pass one of them with --label-col.");
        foreach (string name in ignore.Where(n => !format.Columns.Contains(n)))
            throw new InputException($"--ignore-cols names '{name}', which is not a column of '{format.Path}'; its columns are {columnList}.");
        if (ignore.Contains(label))
            throw new InputException($"--ignore-cols names the label column '{label}': the label cannot be left out.");

        format.CheckFieldCounts(maxRows);
        var stats = Scan(ml, format, maxRows, out long rows);
        if (rows < MinRows)
            throw new InputException($"'{format.Path}' has {rows} data row{(rows == 1 ? "" : "s")}: classification needs at least {MinRows} (more is better).");
        var labelInfo = DescribeLabel(label, stats[format.Columns.ToList().IndexOf(label)], format.Path);
        var columns = format.Columns.Select((name, i) => name == label
            ? new ColumnInfo(name, ColumnKind.Ignored, "the label", stats[i].Empty, stats[i].Counts.Count, stats[i].Examples())
            : Classify(name, stats[i], ignore.Contains(name), rows)).ToList();
        var schema = new TableSchema(format, rows, columns, labelInfo);
        if (!schema.Features.Any())
            throw new InputException($"No column of '{format.Path}' is usable as a feature: " +
                string.Join("; ", columns.Where(c => c.Name != label).Select(c => $"'{c.Name}' {c.Note}")) + ".");
        return schema;
    }

    /// <summary>The typed loader: numeric columns as Single (an empty cell is NaN, so it can be imputed), the rest as
    /// text.</summary>
    public TextLoader Loader(MLContext ml) => ml.Data.CreateTextLoader(new TextLoader.Options
    {
        Columns = [.. Columns.Select((c, i) => new TextLoader.Column(c.Name, c.Kind == ColumnKind.Numeric ? DataKind.Single : DataKind.String, i))],
        Separators = [Format.Separator], HasHeader = true, AllowQuoting = true, MissingRealsAsNaNs = true,
    });

    /// <summary>The label as the trainers want it: a Boolean (positive = true) for two classes, a key otherwise (keys in
    /// the values' ordinal order).</summary>
    public IEstimator<ITransformer> LabelMapping(MLContext ml) => Label.IsBinary
        ? ml.Transforms.Conversion.MapValue(LabelColumn,
            [new KeyValuePair<string, bool>(Label.Positive!, true), new(Label.Negative, false)], Label.Name)
        : ml.Transforms.Conversion.MapValueToKey(LabelColumn, Label.Name,
            keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue);

    /// <summary>The preprocessing, all ML.NET transforms fitted on the training rows: numbers imputed and
    /// standardised, categories one-hot (hashed when many), text as n-grams, all concatenated into
    /// <see cref="FeaturesColumn"/>.</summary>
    public IEstimator<ITransformer> Preprocessing(MLContext ml)
    {
        var parts = new List<string>();
        var steps = new List<IEstimator<ITransformer>>();
        var numeric = Features.Where(c => c.Kind == ColumnKind.Numeric).Select(c => c.Name).ToArray();
        if (numeric.Length > 0)
        {
            steps.Add(ml.Transforms.Concatenate("__Numeric", numeric));
            steps.Add(ml.Transforms.ReplaceMissingValues("__Numeric", replacementMode: MissingValueReplacingEstimator.ReplacementMode.Mean));
            // fixZero: false centres the columns too (ML.NET's default only scales, to keep sparse zeros).
            steps.Add(ml.Transforms.NormalizeMeanVariance("__Numeric", fixZero: false));
            parts.Add("__Numeric");
        }
        var oneHot = Features.Where(c => c.Kind is ColumnKind.Boolean or ColumnKind.Categorical)
            .Select(c => new InputOutputColumnPair("__OneHot." + c.Name, c.Name)).ToArray();
        if (oneHot.Length > 0)
            steps.Add(ml.Transforms.Categorical.OneHotEncoding(oneHot));
        var hashed = Features.Where(c => c.Kind == ColumnKind.ManyCategories)
            .Select(c => new InputOutputColumnPair("__OneHot." + c.Name, c.Name)).ToArray();
        if (hashed.Length > 0)
            steps.Add(ml.Transforms.Categorical.OneHotHashEncoding(hashed, numberOfBits: 10));
        parts.AddRange(oneHot.Concat(hashed).Select(p => p.OutputColumnName));
        foreach (var text in Features.Where(c => c.Kind == ColumnKind.Text))
        {
            steps.Add(ml.Transforms.Text.FeaturizeText("__Text." + text.Name, text.Name));
            parts.Add("__Text." + text.Name);
        }
        steps.Add(ml.Transforms.Concatenate(FeaturesColumn, [.. parts]));
        return steps.Skip(1).Aggregate(steps[0], (chain, step) => chain.Append(step));
    }

    private static ColumnInfo Classify(string name, ColumnStats s, bool ignored, long rows)
    {
        int distinct = s.Counts.Count;
        var examples = s.Examples();
        ColumnInfo Make(ColumnKind kind, string note) => new(name, kind, note, s.Empty, distinct, examples);
        if (ignored)
            return Make(ColumnKind.Ignored, "left out (--ignore-cols)");
        if (s.NonEmpty == 0)
            return Make(ColumnKind.Ignored, "left out: every cell is empty");
        if (distinct == 1)
            return Make(ColumnKind.Ignored, $"left out: a single value ('{examples[0]}')");
        bool allDifferent = !s.Capped && distinct == s.NonEmpty && s.NonEmpty > MinRows;
        if (s.Numeric)
        {
            if (s.Integer && allDifferent && (s.Increasing || LooksLikeId(name)))
                return Make(ColumnKind.Ignored, "left out: ID-like (whole numbers, every one different" + (s.Increasing ? ", counting up)" : ")"));
            return Make(ColumnKind.Numeric, s.Empty > 0 ? $"{s.Empty:N0} empty cell(s) get the column mean" : "");
        }
        if (distinct == 2 && BooleanPairs.Any(p => s.Counts.Keys.All(v =>
                v.Equals(p.Item1, StringComparison.OrdinalIgnoreCase) || v.Equals(p.Item2, StringComparison.OrdinalIgnoreCase))))
            return Make(ColumnKind.Boolean, "");
        double wordsPerCell = (double)s.Words / s.NonEmpty;
        if (wordsPerCell >= 3)
            return Make(ColumnKind.Text, $"free text ({wordsPerCell:F1} words per cell)");
        if (s.Capped || (distinct > 0.9 * s.NonEmpty && s.NonEmpty > MinRows))
            return Make(ColumnKind.Ignored, $"left out: ID-like ({(s.Capped ? "too many" : distinct.ToString("N0", CultureInfo.InvariantCulture))} different values in {s.NonEmpty:N0} cells)");
        if (distinct > MaxOneHotValues)
            return Make(ColumnKind.ManyCategories, $"{distinct:N0} values");
        return Make(ColumnKind.Categorical, s.Empty > 0 ? $"{s.Empty:N0} empty cell(s) are a category of their own" : "");
    }

    private static bool LooksLikeId(string name)
    {
        string n = name.ToLowerInvariant();
        return n is "id" or "index" or "key" or "row" or "rowid" || n.EndsWith("_id", StringComparison.Ordinal)
               || n.EndsWith("id", StringComparison.Ordinal) && n.Length > 2 && char.IsUpper(name[^2]);
    }

    private static LabelInfo DescribeLabel(string name, ColumnStats s, string path)
    {
        if (s.Empty > 0)
            throw new InputException($"Label column '{name}' has {s.Empty:N0} empty cell(s), the first on line {s.FirstEmptyRow + 2} of '{path}': fill them or remove those rows.");
        if (s.Capped || s.Counts.Count > MaxClasses)
            throw new InputException($"Label column '{name}' has {(s.Capped ? "too many" : s.Counts.Count.ToString("N0", CultureInfo.InvariantCulture))} distinct values: classification predicts classes (at most {MaxClasses}); is it a number to predict (regression)?");
        var classes = s.Counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value)).ToList();
        if (classes.Count == 1)
            throw new InputException($"Label column '{name}' holds a single value ('{classes[0].Key}') in all {classes[0].Value:N0} rows: classification needs at least two classes.");
        var small = classes.Where(c => c.Value < MinRowsPerClass).ToList();
        if (small.Count > 0)
            throw new InputException($"Too few rows per class in label column '{name}': " +
                string.Join(", ", small.Select(c => $"'{c.Key}' has {c.Value}")) +
                $"; every class needs at least {MinRowsPerClass} rows (add rows, or remove or merge those classes).");
        string? positive = null;
        if (classes.Count == 2)
            positive = classes.Select(c => c.Key).FirstOrDefault(v => Affirmative.Contains(v, StringComparer.OrdinalIgnoreCase))
                       ?? classes.OrderBy(c => c.Value).ThenByDescending(c => c.Key, StringComparer.Ordinal).First().Key;
        return new LabelInfo(name, classes, positive);
    }

    private static ColumnStats[] Scan(MLContext ml, CsvFormat format, int? maxRows, out long rows)
    {
        var text = ml.Data.CreateTextLoader(new TextLoader.Options
        {
            Columns = [.. format.Columns.Select((c, i) => new TextLoader.Column(c, DataKind.String, i))],
            Separators = [format.Separator], HasHeader = true, AllowQuoting = true,
        }).Load(format.Path);
        var stats = format.Columns.Select(_ => new ColumnStats()).ToArray();
        using var cursor = text.GetRowCursor(text.Schema);
        var getters = text.Schema.Select(c => cursor.GetGetter<ReadOnlyMemory<char>>(c)).ToArray();
        ReadOnlyMemory<char> cell = default;
        rows = 0;
        while ((maxRows is null || rows < maxRows) && cursor.MoveNext())
        {
            for (int c = 0; c < stats.Length; c++)
            {
                getters[c](ref cell);
                stats[c].Add(cell.Span.Trim(), rows);
            }
            rows++;
        }
        return stats;
    }

    /// <summary>Running figures of one column.</summary>
    private sealed class ColumnStats
    {
        private const int MaxTracked = 200_000;
        private double _last = double.NegativeInfinity;

        public long Empty, FirstEmptyRow = -1, NonEmpty, Words;
        public bool Numeric = true, Integer = true, Increasing = true, Capped;
        public readonly Dictionary<string, long> Counts = new(StringComparer.Ordinal);

        public void Add(ReadOnlySpan<char> value, long row)
        {
            if (value.IsEmpty)
            {
                if (Empty++ == 0)
                    FirstEmptyRow = row;
                return;
            }
            NonEmpty++;
            Words += value.Count(' ') + 1;
            if (Numeric)
            {
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
                {
                    Integer &= Math.Floor(number) == number;
                    Increasing &= number > _last;
                    _last = number;
                }
                else
                    Numeric = false;
            }
            var lookup = Counts.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(value, out long count))
                lookup[value] = count + 1;
            else if (Counts.Count < MaxTracked)
                lookup[value] = 1;
            else
                Capped = true;
        }

        public IReadOnlyList<string> Examples() => Counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Take(3).Select(c => c.Key).ToList();
    }
}
