using System.Globalization;
using System.Text;
using MlNetTriplet.Cli.Consumption;
using MlNetTriplet.Cli.Running;

namespace MlNetTriplet.Cli.Tabular;

/// <summary>The consumption project of a classification run: a <c>ModelInput</c> class with one property per column of
/// the file (typed as the model reads it) that parses a CSV row, and the prediction printed with the class names.</summary>
internal static class TabularConsumption
{
    private static readonly HashSet<string> Reserved = ["Parse", "Columns", "LabelIndex", "Number", "Split", "ModelInput"];

    /// <summary>Writes Consumption/ for <paramref name="schema"/>; <paramref name="exampleRow"/> (the file's values of
    /// one row, label left out) becomes the usage line.</summary>
    public static string Write(OutputFolder output, TableSchema schema, IReadOnlyList<string> exampleRow)
    {
        var columns = schema.Columns;
        var names = PropertyNames(columns.Select(c => c.Name).ToList());
        var properties = new StringBuilder();
        var assignments = new StringBuilder();
        for (int i = 0; i < columns.Count; i++)
        {
            bool number = columns[i].Kind == ColumnKind.Numeric;
            properties.Append($"    [ColumnName({Literal(columns[i].Name)})]\n")
                .Append(number ? $"    public float {names[i]} {{ get; set; }}\n" : $"    public string {names[i]} {{ get; set; }} = \"\";\n");
            assignments.Append(number
                ? $"        input.{names[i]} = Number(fields[{i}], {Literal(columns[i].Name)});\n"
                : $"        input.{names[i]} = fields[{i}];\n");
        }
        string usage = ShellQuote(string.Join(schema.Format.Separator, exampleRow.Select(v => CsvField(v, schema.Format.Separator))));
        var label = schema.Label;
        var values = new Dictionary<string, string>
        {
            ["Scenario"] = "classification",
            ["Dataset"] = Path.GetFileName(schema.Format.Path),
            ["Label"] = label.Name,
            ["ColumnCount"] = columns.Count.ToString(CultureInfo.InvariantCulture),
            ["SeparatorName"] = CsvFormat.Describe(schema.Format.Separator),
            ["SeparatorLiteral"] = CharLiteral(schema.Format.Separator),
            ["Usage"] = usage,
            ["InputProperties"] = properties.ToString().TrimEnd('\n'),
            ["ColumnNames"] = string.Join(", ", columns.Select(c => Literal(c.Name))),
            ["LabelIndex"] = columns.ToList().FindIndex(c => c.Name == label.Name).ToString(CultureInfo.InvariantCulture),
            ["ParseAssignments"] = assignments.ToString().TrimEnd('\n'),
            ["PrintPrediction"] = label.IsBinary
                ? $"Console.WriteLine($\"{Interpolated(label.Name)}: {{(prediction.PredictedLabel ? {Literal(label.Positive!)} : {Literal(label.Negative)})}} (probability of {Interpolated(label.Positive!)}: {{prediction.Probability * 100:F1}}%)\");"
                : $$"""
                  string[] classNames = [{{string.Join(", ", label.Classes.Select(c => Literal(c.Value)))}}];
                  Console.WriteLine($"{{Interpolated(label.Name)}}: {prediction.PredictedLabel}");
                  foreach (var (name, probability) in classNames.Zip(prediction.Score).OrderByDescending(p => p.Second).Take(5))
                      Console.WriteLine($"  {name,-24} {probability * 100,6:F1}%");
                  """,
            ["OutputClass"] = label.IsBinary
                ? """
                  /// <summary>The model's output: the class (true = the positive one), its probability and the raw score.</summary>
                  public sealed class ModelOutput
                  {
                      public bool PredictedLabel { get; set; }
                      public float Probability { get; set; }
                      public float Score { get; set; }
                  }
                  """
                : """
                  /// <summary>The model's output: the class, and each class's probability (in the classes' order).</summary>
                  public sealed class ModelOutput
                  {
                      public string PredictedLabel { get; set; } = "";
                      public float[] Score { get; set; } = [];
                  }
                  """,
        };
        ConsumptionProject.Write(output, values, "TabularProgram.txt", ["model.zip"]);
        return usage;
    }

    /// <summary>C# property names from column names: PascalCase letters and digits, unique, never a member the
    /// generated class already has.</summary>
    internal static List<string> PropertyNames(IReadOnlyList<string> columns)
    {
        var used = new HashSet<string>(Reserved);
        var names = new List<string>();
        foreach (string column in columns)
        {
            var name = new StringBuilder();
            bool wordStart = true;
            foreach (char c in column)
            {
                if (!char.IsAsciiLetterOrDigit(c))
                {
                    wordStart = true;
                    continue;
                }
                name.Append(wordStart ? char.ToUpperInvariant(c) : c);
                wordStart = false;
            }
            string baseName = name.Length == 0 || char.IsDigit(name[0]) ? "Column" + name : name.ToString();
            string unique = baseName;
            for (int n = 2; !used.Add(unique); n++)
                unique = baseName + n.ToString(CultureInfo.InvariantCulture);
            names.Add(unique);
        }
        return names;
    }

    /// <summary>A C# string literal.</summary>
    internal static string Literal(string text)
    {
        var literal = new StringBuilder("\"");
        foreach (char c in text)
            literal.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        return literal.Append('"').ToString();
    }

    /// <summary>Text inside an interpolated C# string: a literal without its quotes, braces doubled.</summary>
    private static string Interpolated(string text) => Literal(text)[1..^1].Replace("{", "{{").Replace("}", "}}");

    private static string CharLiteral(char c) => c == '\t' ? "'\\t'" : c == '\'' ? "'\\''" : c == '\\' ? "'\\\\'" : $"'{c}'";

    /// <summary>A CSV field, quoted when it holds the separator or a quote.</summary>
    private static string CsvField(string value, char separator) =>
        value.Contains(separator) || value.Contains('"') ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

    /// <summary>One shell word (single quotes, a quote inside written as '\'').</summary>
    internal static string ShellQuote(string text) => "'" + text.Replace("'", "'\\''") + "'";
}
