using System.Text;
using MlNetTriplet.Cli.Commands;

namespace MlNetTriplet.Cli.Tabular;

/// <summary>A delimited text file's layout: its separator (given or detected from the header) and column names.</summary>
internal sealed record CsvFormat(string Path, char Separator, IReadOnlyList<string> Columns)
{
    private static readonly char[] Candidates = [',', ';', '\t', '|'];

    /// <summary>Checks the file and reads its header.</summary>
    /// <param name="path">The file.</param>
    /// <param name="separator">The --sep value (a character, or "tab"), or null to detect it.</param>
    /// <exception cref="InputException">The file is missing, empty, binary, or its header makes no sense.</exception>
    public static CsvFormat Read(string path, string? separator)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new InputException($"--dataset '{full}' is a folder: give a CSV or TSV file (the image scenarios take folders).");
        if (!File.Exists(full))
            throw new InputException($"Dataset file '{full}' does not exist: give a CSV or TSV file with --dataset.");
        var head = new byte[64 * 1024];
        int read;
        using (var stream = File.OpenRead(full))
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read == 0)
            throw new InputException($"Dataset file '{full}' is empty: it needs a header line and data rows.");
        if (Array.IndexOf(head, (byte)0, 0, read) >= 0)
            throw new InputException($"Dataset file '{full}' is not a text file (it holds binary data): give a CSV or TSV file.");

        string header = File.ReadLines(full, Encoding.UTF8).First().TrimStart('\uFEFF');
        char sep = separator is null ? Detect(header) : Parse(separator);
        var columns = SplitLine(header, sep).Select(c => c.Trim()).ToList();
        if (columns.Count < 2)
            throw new InputException(
                $"The header of '{full}' has a single column with separator {Describe(sep)}: pass --sep (e.g. --sep ';' or --sep tab) or check that the first line names the columns.");
        var blank = columns.FindIndex(string.IsNullOrEmpty);
        if (blank >= 0)
            throw new InputException($"Column {blank + 1} of the header of '{full}' has no name: every column needs one (the first line is the header).");
        var duplicate = columns.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InputException($"The header of '{full}' names column '{duplicate.Key}' twice: rename one of them.");
        return new CsvFormat(full, sep, columns);
    }

    /// <summary>Checks that every data line (the first <paramref name="maxRows"/> when set) has as many fields as the
    /// header: a row with fewer would read as empty cells (an empty label), one with more would lose its extra values,
    /// both silently.</summary>
    /// <exception cref="InputException">A line has another field count; the message names the line.</exception>
    public void CheckFieldCounts(int? maxRows)
    {
        int line = 1;
        long rows = 0;
        foreach (string text in File.ReadLines(Path, Encoding.UTF8).Skip(1))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
                continue;
            if (maxRows is int max && rows++ >= max)
                break;
            int fields = SplitLine(text, Separator).Count;
            if (fields != Columns.Count)
                throw new InputException(
                    $"Line {line} of '{Path}' has {fields} field{(fields == 1 ? "" : "s")} where the header has {Columns.Count} (separator {Describe(Separator)}): fix that row (a missing or extra separator, or an unclosed quote), or pass the right --sep.");
        }
    }

    /// <summary>Splits one line at <paramref name="separator"/>, honouring double quotes ("a,b" is one field; "" is a
    /// quote inside quotes).</summary>
    public static List<string> SplitLine(string line, char separator)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                    field.Append(line[++i]);
                else if (c == '"')
                    quoted = false;
                else
                    field.Append(c);
            }
            else if (c == '"')
                quoted = true;
            else if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
                field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }

    /// <summary>How the separator reads in a message or the report.</summary>
    public static string Describe(char separator) => separator switch
    {
        '\t' => "tab",
        ' ' => "space",
        _ => $"'{separator}'",
    };

    /// <summary>The candidate that splits the header into the most fields outside quotes.</summary>
    private static char Detect(string header) =>
        Candidates.Select(c => (c, n: SplitLine(header, c).Count)).OrderByDescending(p => p.n).First().c;

    private static char Parse(string value) => value switch
    {
        "tab" or "\\t" or "\t" => '\t',
        "space" or " " => ' ',
        { Length: 1 } => value[0],
        _ => throw new InputException($"--sep takes one character (such as ',' or ';') or the word tab; got '{value}'."),
    };
}
