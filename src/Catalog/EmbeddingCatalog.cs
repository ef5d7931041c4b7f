using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetTriplet.Data;
using MlNetTriplet.Evaluation;
using MlNetTriplet.Export;

namespace MlNetTriplet;

/// <summary>Embedding evaluation and export, on <c>mlContext.Embeddings()</c>.</summary>
public sealed class EmbeddingCatalog
{
    private readonly IHost _host;

    internal EmbeddingCatalog(IHostEnvironment env) => _host = env.Register(nameof(EmbeddingCatalog));

    /// <summary>Retrieval and clustering quality of embeddings (P@1, R-precision, MAP@R, k-NN accuracy, NMI), as
    /// pytorch-metric-learning's <c>AccuracyCalculator</c> defines them; see <see cref="EmbeddingMetrics"/>. Exact
    /// neighbour search, all cores; logs a one-line summary to <see cref="MLContext.Log"/>.</summary>
    /// <param name="data">Rows to evaluate, e.g. <c>model.Transform(test)</c>.</param>
    /// <param name="embeddingColumnName">A known-size <c>Vector&lt;Single&gt;</c> column of finite values.</param>
    /// <param name="labelColumnName">The class: Key&lt;UInt32&gt; (compared through its key values when it has
    /// them), Text, Boolean or a number; missing values (key 0, NaN) are rejected.</param>
    /// <param name="reference">Optional gallery for the k-NN accuracy (e.g. the training rows, same columns and
    /// embedding size): each evaluated row is classified by its nearest reference rows. Without it, by its nearest
    /// other evaluated rows (leave-one-out). The retrieval metrics always search within <paramref name="data"/>.</param>
    /// <param name="options">Neighbour count, distance, k-means settings; defaults when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type, the reference's
    /// embedding size differs, or an option is out of range.</exception>
    /// <exception cref="InvalidDataException">A row holds NaN or an infinity, or a label is missing, or the data is empty.</exception>
    /// <exception cref="ArgumentException">Fewer than two classes, or no row shares its class with another row.</exception>
    public EmbeddingMetrics Evaluate(IDataView data, string embeddingColumnName = "Embedding", string labelColumnName = "Label",
        IDataView? reference = null, EmbeddingEvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(embeddingColumnName);
        ArgumentException.ThrowIfNullOrEmpty(labelColumnName);
        options ??= new EmbeddingEvaluationOptions();
        options.Validate();
        (string, string)[] labelRole = [(labelColumnName, "label")];
        int dims = EmbeddingReader.CheckSchema(data.Schema, embeddingColumnName, labelRole, null);
        if (reference is not null)
        {
            EmbeddingReader.CheckSchema(reference.Schema, embeddingColumnName, labelRole, dims);
            var (dataLabel, referenceLabel) = (data.Schema[labelColumnName].Type, reference.Schema[labelColumnName].Type);
            if (dataLabel.RawType != referenceLabel.RawType || dataLabel is KeyDataViewType != referenceLabel is KeyDataViewType)
                throw SchemaChecks.Mismatch("reference label", labelColumnName, $"{dataLabel}, as in the evaluated data", $"{referenceLabel}");
        }

        // Classes are identified by their text, so a reference whose key mapping was built separately still matches.
        var classIds = new Dictionary<string, int>();
        var evaluated = ReadLabeled(data, embeddingColumnName, labelColumnName, dims, "The evaluated data", classIds);
        var gallery = reference is null ? null : ReadLabeled(reference, embeddingColumnName, labelColumnName, dims, "The reference data", classIds);
        var metrics = EmbeddingEvaluator.Evaluate(evaluated, gallery, options, $"label column '{labelColumnName}'", new ParallelOptions());
        using var channel = _host.Start("Evaluate");
        channel.Info("Embeddings '{0}': {1}", embeddingColumnName, metrics);
        return metrics;
    }

    private static LabeledEmbeddings ReadLabeled(IDataView view, string embedding, string label, int dims, string dataName,
        Dictionary<string, int> classIds)
    {
        var (rows, count, columns) = EmbeddingReader.Read(view, embedding, dims, [label], dataName);
        var values = columns[0];
        var ids = new int[values.Texts.Count];
        for (int v = 0; v < ids.Length; v++)
        {
            if (values.Missing[v])
                throw new InvalidDataException(
                    $"{dataName}: row {Array.IndexOf(values.Ids, v)} has a missing value in label column '{label}'.{MissingKeyHint(view.Schema[label])}");
            if (!classIds.TryGetValue(values.Texts[v], out ids[v]))
                classIds.Add(values.Texts[v], ids[v] = classIds.Count);
        }
        var labels = new int[count];
        for (int i = 0; i < count; i++)
            labels[i] = ids[values.Ids[i]];
        return new LabeledEmbeddings(rows, labels, count, dims);
    }

    /// <summary>Why a key label is missing and what to do: MapValueToKey maps every value it did not see when fitted
    /// to key 0, so a key fitted on the training classes cannot name the classes of an open-set test (retrieval among
    /// classes never trained on), whatever the evaluator does. The original label column still names them.</summary>
    private static string MissingKeyHint(DataViewSchema.Column label) => label.Type is KeyDataViewType
        ? $" A key is missing where MapValueToKey met a value it did not see when it was fitted, such as a class absent from the training data. To evaluate retrieval among classes the model was not trained on, keep the original labels: train on a key copy (MapValueToKey(\"LabelKey\", \"{label.Name}\") and TripletEmbeddingOptions.LabelColumnName = \"LabelKey\") and evaluate on '{label.Name}'."
        : "";

    /// <summary>Writes <c>vecs.tsv</c> (the embeddings) and <c>meta.tsv</c> (the label and other metadata as
    /// text) into <paramref name="directory"/> for TensorBoard's Embedding Projector
    /// (projector.tensorflow.org → Load). <c>meta.tsv</c> has a header line only when it has two or more columns, as
    /// the projector expects. Floats are written with round-trip precision; key labels as their key values.</summary>
    /// <param name="data">Rows to export.</param>
    /// <param name="directory">Created when missing; existing files are replaced.</param>
    /// <param name="embeddingColumnName">A known-size <c>Vector&lt;Single&gt;</c> column of finite values.</param>
    /// <param name="labelColumnName">First metadata column (Key, Text, Boolean or number), or null for none.</param>
    /// <param name="metadataColumnNames">More scalar columns for <c>meta.tsv</c> (e.g. an image path).</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type.</exception>
    /// <exception cref="InvalidDataException">A row holds NaN or an infinity, or the data is empty.</exception>
    public void ExportForProjector(IDataView data, string directory, string embeddingColumnName = "Embedding",
        string? labelColumnName = "Label", IEnumerable<string>? metadataColumnNames = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(embeddingColumnName);
        var columns = new List<(string Name, string Role)>();
        if (labelColumnName is not null)
            columns.Add((labelColumnName, "label"));
        columns.AddRange((metadataColumnNames ?? []).Select(name => (name, "metadata")));
        int dims = EmbeddingReader.CheckSchema(data.Schema, embeddingColumnName, columns, null);
        var (rows, count, values) = EmbeddingReader.Read(data, embeddingColumnName, dims, [.. columns.Select(c => c.Name)], "The exported data");
        var metadata = columns.Select((c, i) => (c.Name, (IReadOnlyList<string>)values[i].Ids.Take(count).Select(v => values[i].Texts[v]).ToArray())).ToList();
        ProjectorExport.Write(directory, rows, count, dims, metadata);
        using var channel = _host.Start("ExportForProjector");
        channel.Info("Wrote {0} embeddings of {1} values and {2} metadata column(s) to {3}.", count, dims, metadata.Count, directory);
    }

    /// <summary>Reads embeddings written by <see cref="ExportForProjector"/> (or any projector <c>vecs.tsv</c> /
    /// <c>meta.tsv</c> pair) back: an <c>Embedding</c> column (<c>Vector&lt;Single, d&gt;</c>, the exact floats
    /// written) and one Text column per metadata column — <c>Label</c> for a single headerless column, else the
    /// header's names. Ready for <see cref="Evaluate"/> or another export.</summary>
    /// <param name="directory">The folder holding <c>vecs.tsv</c> and, optionally, <c>meta.tsv</c>.</param>
    /// <exception cref="FileNotFoundException"><c>vecs.tsv</c> is missing.</exception>
    /// <exception cref="InvalidDataException">A line is malformed or the two files disagree on the row count.</exception>
    public IDataView LoadFromProjectorTsv(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var (rows, count, dims, metadata) = ProjectorExport.Read(directory);
        var builder = new ArrayDataViewBuilder(_host);
        var vectors = new float[count][];
        for (int i = 0; i < count; i++)
            vectors[i] = rows.AsSpan(i * dims, dims).ToArray();
        builder.AddColumn("Embedding", NumberDataViewType.Single, vectors);
        foreach (var (name, values) in metadata)
            builder.AddColumn(name, values);
        return builder.GetDataView();
    }
}
