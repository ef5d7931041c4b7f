using System.Globalization;
using System.Text;

namespace MlNetTriplet.Export;

/// <summary>The two TSV files TensorBoard's Embedding Projector (projector.tensorflow.org, "Load") reads:
/// <c>vecs.tsv</c>, one embedding per line, tab-separated, and <c>meta.tsv</c>, one line of metadata per embedding —
/// with a header line only when there are two or more metadata columns (the projector's rule: a single column has
/// none). Floats are written in the invariant culture with round-trip precision, so reading gives back the same bits.</summary>
internal static class ProjectorExport
{
    public const string VectorsFile = "vecs.tsv";
    public const string MetadataFile = "meta.tsv";

    /// <summary>The name a single, headerless metadata column gets back.</summary>
    public const string SingleColumnName = "Label";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <c>vecs.tsv</c> and, when <paramref name="metadata"/> has columns, <c>meta.tsv</c> (creating
    /// the directory). Tabs and line breaks inside metadata values would break the format: they become spaces.</summary>
    public static void Write(string directory, float[] rows, int count, int dims, IReadOnlyList<(string Name, IReadOnlyList<string> Values)> metadata)
    {
        Directory.CreateDirectory(directory);
        using (var vectors = new StreamWriter(Path.Combine(directory, VectorsFile), false, Utf8))
        {
            vectors.NewLine = "\n";
            var line = new StringBuilder();
            for (int i = 0; i < count; i++)
            {
                line.Clear();
                for (int d = 0; d < dims; d++)
                {
                    if (d > 0) line.Append('\t');
                    line.Append(rows[i * dims + d].ToString("R", CultureInfo.InvariantCulture));
                }
                vectors.WriteLine(line);
            }
        }
        string metadataPath = Path.Combine(directory, MetadataFile);
        if (metadata.Count == 0)
        {
            // A stale meta.tsv from an earlier export would no longer match vecs.tsv.
            File.Delete(metadataPath);
            return;
        }
        using var writer = new StreamWriter(metadataPath, false, Utf8);
        writer.NewLine = "\n";
        if (metadata.Count > 1)
            writer.WriteLine(string.Join('\t', metadata.Select(m => Clean(m.Name))));
        for (int i = 0; i < count; i++)
            writer.WriteLine(string.Join('\t', metadata.Select(m => Clean(m.Values[i]))));
    }

    private static string Clean(string value) =>
        value.IndexOfAny(['\t', '\r', '\n']) < 0 ? value : value.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');

    /// <summary>Reads what <see cref="Write"/> wrote (or any projector TSV pair): the embeddings and the metadata
    /// columns (a single headerless column is named <see cref="SingleColumnName"/>).</summary>
    public static (float[] Rows, int Count, int Dims, List<(string Name, string[] Values)> Metadata) Read(string directory)
    {
        string vectorsPath = Path.Combine(directory, VectorsFile);
        if (!File.Exists(vectorsPath))
            throw new FileNotFoundException($"No {VectorsFile} in '{directory}'.", vectorsPath);
        var lines = File.ReadAllLines(vectorsPath, Utf8);
        if (lines.Length == 0)
            throw new InvalidDataException($"'{vectorsPath}' is empty.");
        int dims = lines[0].Split('\t').Length;
        var rows = new float[checked((long)lines.Length * dims)];
        for (int i = 0; i < lines.Length; i++)
        {
            var fields = lines[i].Split('\t');
            if (fields.Length != dims)
                throw new InvalidDataException($"'{vectorsPath}' line {i + 1} has {fields.Length} values; line 1 has {dims}.");
            for (int d = 0; d < dims; d++)
                if (!float.TryParse(fields[d], NumberStyles.Float, CultureInfo.InvariantCulture, out rows[i * dims + d]))
                    throw new InvalidDataException($"'{vectorsPath}' line {i + 1}, value {d + 1}: '{fields[d]}' is not a number.");
        }

        var metadata = new List<(string, string[])>();
        string metadataPath = Path.Combine(directory, MetadataFile);
        if (!File.Exists(metadataPath))
            return (rows, lines.Length, dims, metadata);
        var meta = File.ReadAllLines(metadataPath, Utf8);
        bool header = meta.Length > 0 && meta[0].Contains('\t');
        string[] names = header ? meta[0].Split('\t') : [SingleColumnName];
        int first = header ? 1 : 0;
        if (meta.Length - first != lines.Length)
            throw new InvalidDataException($"'{metadataPath}' has {meta.Length - first} rows of metadata; '{vectorsPath}' has {lines.Length} embeddings.");
        var columns = names.Select(_ => new string[lines.Length]).ToArray();
        for (int i = 0; i < lines.Length; i++)
        {
            var fields = header ? meta[first + i].Split('\t') : [meta[i]];
            if (fields.Length != names.Length)
                throw new InvalidDataException($"'{metadataPath}' line {first + i + 1} has {fields.Length} fields; the header has {names.Length}.");
            for (int c = 0; c < names.Length; c++)
                columns[c][i] = fields[c];
        }
        for (int c = 0; c < names.Length; c++)
            metadata.Add((names[c], columns[c]));
        return (rows, lines.Length, dims, metadata);
    }
}
