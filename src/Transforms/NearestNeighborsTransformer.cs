using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using MlNetTriplet.Data;
using MlNetTriplet.Export;
using MlNetTriplet.Neighbors;
using MlNetTriplet.Persistence;
using MlNetTriplet.Transforms;

namespace MlNetTriplet;

/// <summary>A nearest-neighbour search over a gallery kept inside the model (saved with it by <c>mlContext.Model</c>).
/// <see cref="BatchedTransformer.Transform"/> reads the embedding column of each row and adds the k nearest gallery
/// rows' ids, labels and distances, nearest first (equal distances in gallery order), computed lazily in batches;
/// with a vote, also ML.NET's multiclass <c>Score</c> and <c>PredictedLabel</c>. Each row's neighbours depend only on
/// the row and the gallery, so <c>PredictionEngine</c> and batched <c>Transform</c> agree exactly.
/// <see cref="AddToGallery"/> makes a new transformer with more gallery rows, new classes included, without
/// refitting anything.</summary>
public sealed class NearestNeighborsTransformer : BatchedTransformer
{
    private const string GalleryStream = "Gallery.bin";
    private static readonly ModelFormat Format = ModelFormats.NearestNeighbors;

    // A batch only bounds memory and per-call overhead: each query is searched on its own.
    private const int BatchSize = 256;

    private readonly Description _description;
    private readonly Gallery _gallery;

    internal NearestNeighborsTransformer(Description description, Gallery gallery)
    {
        _description = description;
        _gallery = gallery;
        var o = description.Options;
        Mapping = new BatchedMapping(o.FeatureColumnName, new Searcher(gallery, o.NeighborCount, o.SearchEpsilon, o.Vote, o.ParallelOptions),
            Outputs(o, gallery), BatchSize, "embedding");
    }

    private protected override BatchedMapping Mapping { get; }

    /// <summary>What is persisted besides the gallery: the options it was made with.</summary>
    internal sealed record Description(NearestNeighborsOptions Options) : ISavedOptions
    {
        public void Check()
        {
            new Checks.OptionChecks(nameof(NearestNeighborsOptions)).Required(Options, nameof(Options), "the search options");
            Options.Validate();
        }
    }

    /// <summary>The embedding column searched for (and read from the gallery).</summary>
    public string FeatureColumnName => _description.Options.FeatureColumnName;

    /// <summary>Neighbours returned per row (k).</summary>
    public int NeighborCount => _description.Options.NeighborCount;

    /// <summary>Distance between embeddings.</summary>
    public DistanceMetric Distance => _description.Options.Distance;

    /// <summary>Whether the search is approximate (an NN-descent index over the gallery).</summary>
    public bool Approximate => _description.Options.Approximate;

    /// <summary>How the neighbours vote for a class, or null when the transform adds no <c>Score</c> / <c>PredictedLabel</c>.</summary>
    public NeighborVote? Vote => _description.Options.Vote;

    /// <summary>Rows in the gallery.</summary>
    public int GalleryRows => _gallery.Search.Rows;

    /// <summary>Values per embedding.</summary>
    public int EmbeddingSize => _gallery.Search.Dims;

    /// <summary>The gallery's classes as text (key values, or label values in order of first appearance), in the order
    /// of the <c>Score</c> slots and <c>PredictedLabel</c> keys.</summary>
    public IReadOnlyList<string> ClassNames => _gallery.Labels.Names().Select(n => n.ToString()).ToArray();

    /// <summary>A new transformer whose gallery is this one's followed by <paramref name="rows"/> (same embedding,
    /// label and id columns as the gallery, embeddings of the same size); this transformer is unchanged. Nothing is
    /// trained: a label value the gallery has not seen becomes a new class (a new key, a new <c>Score</c> slot), so rows
    /// of a new class are recognised as soon as they are added. Labels are matched by value (keys by their key values,
    /// so the added rows may be keyed by their own <c>MapValueToKey</c>). An approximate gallery rebuilds its index.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type or size.</exception>
    /// <exception cref="ArgumentException">Labels or ids of a type other than the gallery's.</exception>
    /// <exception cref="InvalidDataException">No rows, a NaN or infinite embedding or a missing label (the row is named).</exception>
    public NearestNeighborsTransformer AddToGallery(IDataView rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var o = _description.Options;
        var added = Gallery.Read(rows, o, EmbeddingSize, "Added gallery rows");
        return new NearestNeighborsTransformer(_description,
            _gallery.Append(added, o.LabelColumnName, o.IdColumnName, o.ParallelOptions));
    }

    private static List<OutputColumn> Outputs(NearestNeighborsOptions o, Gallery gallery)
    {
        int k = o.NeighborCount;
        var labels = gallery.Labels;
        var labelAnnotations = new DataViewSchema.Annotations.Builder();
        labels.KeyValues?.AddKeyValuesTo(labelAnnotations);
        var empty = DataViewSchema.Annotations.Empty;
        List<OutputColumn> outputs =
        [
            gallery.Ids is { } ids
                ? new(o.NeighborIdsColumnName, new VectorDataViewType(ids.ItemType, k), empty,
                    row => ids.VectorGetter(k, t => Neighbor(row.Output, k, t)))
                : new(o.NeighborIdsColumnName, new VectorDataViewType(NumberDataViewType.Int32, k), empty,
                    row => (ValueGetter<VBuffer<int>>)((ref VBuffer<int> dst) =>
                    {
                        var editor = VBufferEditor.Create(ref dst, k);
                        for (int t = 0; t < k; t++)
                            editor.Values[t] = Neighbor(row.Output, k, t);
                        dst = editor.Commit();
                    })),
            new(o.NeighborLabelsColumnName, new VectorDataViewType(labels.Classes.ItemType, k), labelAnnotations.ToAnnotations(),
                row => labels.Classes.VectorGetter(k, t => labels.ClassOfRow[Neighbor(row.Output, k, t)])),
            OutputColumn.Vector(o.NeighborDistancesColumnName, k, empty),
        ];
        if (o.Vote is not null)
        {
            int classes = labels.ClassCount;
            var values = labels.IsKey ? labels.KeyValues : KeyValues.Of(labels.Classes);
            outputs.AddRange(ClassifierOutputs.Multiclass(classes, values, offset: 2 * k,
                predicted: output => BitConverter.SingleToInt32Bits(output[2 * k + classes])));
        }
        return outputs;
    }

    /// <summary>The gallery row of the row's neighbour <paramref name="t"/>: the searcher stores row numbers in the
    /// float output by their bits (exact for any row count; the output is only ever copied).</summary>
    private static int Neighbor(ReadOnlySpan<float> output, int k, int t) => BitConverter.SingleToInt32Bits(output[k + t]);

    internal override void SaveAsOnnx(OnnxContext ctx, IDataView source) => throw OnnxSteps.NotExportable(
        $"The nearest-neighbour search '{_description.Options.NeighborDistancesColumnName}'",
        "it ranks each row against a gallery kept in the model (a sort over every gallery row, or a walk of a graph index), which this package does not write as ONNX operators; export the embedding model and search its output.");

    private protected override void SaveModel(ModelSaveContext ctx) =>
        Format.Save(ctx, _description, null, GalleryStream, _gallery.Write);

    private static BatchedTransformer Create(IHostEnvironment env, ModelLoadContext ctx) => FailedModel.LoadOrFail(ctx, () =>
    {
        var description = Format.LoadDescription<Description>(ctx);
        var o = description.Options;
        var gallery = Format.LoadStream(ctx, GalleryStream, r =>
        {
            var g = Gallery.Read(r, Format.What);
            if (g.Search.Metric != o.Distance || g.Search.Rows < o.NeighborCount
                || (g.Ids is null) != (o.IdColumnName is null))
                throw new InvalidDataException("the gallery does not match the saved options.");
            return g;
        }, "the gallery");
        return new NearestNeighborsTransformer(description, gallery);
    });

    /// <summary>The gallery search as the batched cursor's mapper. Output per row: k distances, k gallery rows (as float
    /// bits), then with a vote each class's score and the winning class (as float bits). Thread-safe: the gallery is
    /// immutable and each call has its own buffers.</summary>
    private sealed class Searcher(Gallery gallery, int k, float epsilon, NeighborVote? vote, ParallelOptions po) : IBatchMapper
    {
        private readonly int _classes = vote is null ? 0 : gallery.Labels.ClassCount;

        public int InputWidth => gallery.Search.Dims;
        public int OutputWidth => 2 * k + (vote is null ? 0 : _classes + 1);

        public void Run(float[] input, int rows, float[] output)
        {
            var indices = new int[rows * k];
            var distances = new float[rows * k];
            gallery.Search.Search(input, rows, k, indices, distances, epsilon, po);
            int width = OutputWidth;
            Span<int> classes = k <= 256 ? stackalloc int[k] : new int[k];
            for (int r = 0; r < rows; r++)
            {
                var row = output.AsSpan(r * width, width);
                var near = indices.AsSpan(r * k, k);
                var dist = distances.AsSpan(r * k, k);
                dist.CopyTo(row);
                for (int t = 0; t < k; t++)
                    row[k + t] = BitConverter.Int32BitsToSingle(near[t]);
                if (vote is not { } v)
                    continue;
                for (int t = 0; t < k; t++)
                    classes[t] = gallery.Labels.ClassOfRow[near[t]];
                int winner = NeighborVotes.Vote(classes, dist, v == NeighborVote.DistanceWeighted, row.Slice(2 * k, _classes));
                row[2 * k + _classes] = BitConverter.Int32BitsToSingle(winner);
            }
        }
    }
}
