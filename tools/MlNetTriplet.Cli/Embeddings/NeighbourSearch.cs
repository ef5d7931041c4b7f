using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Cli.Running;

namespace MlNetTriplet.Cli.Embeddings;

/// <summary>A gallery image found near a query: its id (the file path; for IDX files the file and row), class and
/// distance.</summary>
internal sealed record Neighbour(string Id, string Class, float Distance);

/// <summary>A test row and the gallery images nearest to it, nearest first.</summary>
internal sealed record SearchExample(int QueryRow, string QueryClass, IReadOnlyList<Neighbour> Neighbours);

/// <summary>The model's search, the package's nearest-neighbour transform (the one neighbour engine of the run), over
/// a gallery of embedded images: the training images, or with held-out classes their test images. Neighbour ids are the
/// images' paths, labels their class names; the neighbours' majority vote names a class.</summary>
/// <param name="Model">The search, then the voted class's name (a key turned back into its value).</param>
/// <param name="Rows">Images in the gallery.</param>
/// <param name="What">What the gallery holds, in words (e.g. "training images").</param>
/// <param name="Pixels">For IDX data, each gallery image's pixels by id (there are no files to show); else null.</param>
internal sealed record NeighbourSearch(ITransformer Model, int Rows, string What, IReadOnlyDictionary<string, float[]>? Pixels)
{
    /// <summary>Neighbours the search returns (and votes with).</summary>
    public const int Neighbours = 10;

    /// <summary>Most training images in the gallery: a class folder's are sampled by class; IDX rows come in no class
    /// order, so the first ones serve.</summary>
    public const int MaxTrainingRows = 2_000;

    private const string EmbeddingColumn = "Embedding";

    /// <summary>Embeds the gallery images and fits the search over them.</summary>
    /// <param name="run">The run.</param>
    /// <param name="data">The images.</param>
    /// <param name="network">The trained embedding network.</param>
    /// <param name="embeddedTest">The test rows through <paramref name="network"/> (cached): the gallery with held-out classes.</param>
    public static NeighbourSearch Fit(RunContext run, EmbeddingData data, TripletEmbeddingTransformer network, IDataView embeddedTest)
    {
        var ml = run.Ml;
        var (embedded, ids, what) = data.HeldOutClasses > 0
            ? (embeddedTest, data.TestIds, "test images of the held-out classes")
            : TrainingGallery(run, data, network);
        var rows = ml.Data.CreateEnumerable<EmbeddedRow>(embedded, reuseRowObject: false, ignoreMissingColumns: true)
            .Zip(ids, (row, id) => (Row: row, Id: id)).ToList();
        var definition = SchemaDefinition.Create(typeof(GalleryRow));
        definition[EmbeddingColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, network.EmbeddingSize);
        var gallery = ml.Data.LoadFromEnumerable(
            rows.Select(r => new GalleryRow { Embedding = r.Row.Embedding, Label = r.Row.Class, ImagePath = r.Id }), definition);
        var search = ml.Transforms.NearestNeighbors(new NearestNeighborsOptions
        {
            FeatureColumnName = EmbeddingColumn, LabelColumnName = "Label", IdColumnName = EmbeddingData.PathColumn,
            NeighborCount = Math.Min(Neighbours, rows.Count), Vote = NeighborVote.Majority,
        }).Fit(gallery);
        var names = ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(search.Transform(gallery));
        var pixels = data.FromIdx ? rows.ToDictionary(r => r.Id, r => r.Row.Features) : null;
        return new NeighbourSearch(new TransformerChain<ITransformer>(search, names), rows.Count, what, pixels);
    }

    /// <summary>For the first test row of each of the first <paramref name="queries"/> classes (in the order of
    /// <paramref name="classes"/>): its <paramref name="neighbours"/> nearest gallery images, the row itself left out
    /// (a held-out class's test image is in the gallery).</summary>
    public List<SearchExample> Examples(MLContext ml, IDataView embeddedTest, IReadOnlyList<string> testIds,
        IReadOnlyList<string> classes, int queries, int neighbours)
    {
        var found = ml.Data.CreateEnumerable<SearchedRow>(Model.Transform(embeddedTest), reuseRowObject: false).ToList();
        return classes.Select(c => found.FindIndex(r => r.Class == c)).Where(row => row >= 0).Take(queries)
            .Select(row => new SearchExample(row, found[row].Class, found[row].NeighborIds
                .Select((id, k) => new Neighbour(id, found[row].NeighborLabels[k], found[row].NeighborDistances[k]))
                .Where(n => n.Id != testIds[row]).Take(neighbours).ToList()))
            .ToList();
    }

    /// <summary>At most <see cref="MaxTrainingRows"/> training images through the network (read once), their ids, and
    /// what they are in words.</summary>
    private static (IDataView Embedded, IReadOnlyList<string> Ids, string What) TrainingGallery(RunContext run, EmbeddingData data,
        TripletEmbeddingTransformer network)
    {
        var ml = run.Ml;
        int count = data.TrainIds.Count;
        IDataView rows;
        IReadOnlyList<string> ids;
        if (count <= MaxTrainingRows)
            (rows, ids) = (data.Train, data.TrainIds);
        else if (data.FromIdx)
            (rows, ids) = (ml.Data.TakeRows(data.Train, MaxTrainingRows), data.TrainIds.Take(MaxTrainingRows).ToList());
        else
        {
            rows = ml.Data.StratifiedTrainTestSplit(data.Train, (double)MaxTrainingRows / count, EmbeddingData.ClassColumn, run.Settings.Seed).TestSet;
            ids = rows.GetColumn<string>(EmbeddingData.PathColumn).ToList();
        }
        return (network.Transform(rows), ids, ids.Count == count ? "training images" : $"training images (a sample of {ids.Count:N0} of {count:N0})");
    }

    private sealed class EmbeddedRow
    {
        public float[] Embedding { get; set; } = [];
        public string Class { get; set; } = "";
        public float[] Features { get; set; } = [];
    }

    private sealed class GalleryRow
    {
        public float[] Embedding { get; set; } = [];
        public string Label { get; set; } = "";
        public string ImagePath { get; set; } = "";
    }

    private sealed class SearchedRow
    {
        public string Class { get; set; } = "";
        public string[] NeighborIds { get; set; } = [];
        public string[] NeighborLabels { get; set; } = [];
        public float[] NeighborDistances { get; set; } = [];
    }
}
