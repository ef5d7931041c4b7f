using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Bench;

/// <summary>The split of the unseen-class study, read through the package's <c>LoadFromIdx</c>: training images of
/// classes 0-4 (the first N), and the test images of classes 0-4 (seen in training) and of classes 5-9 (never seen),
/// each as a view the fitted pipeline transforms and as arrays for the network's inner layers.</summary>
internal sealed class TripletUnseenData
{
    /// <summary>Classes 0 to this minus one train; the others are never seen.</summary>
    public const uint SeenClasses = 5;

    /// <summary>Test images of one group of classes: the view, its pixels and its labels, in the same order.</summary>
    public sealed record TestRows(IDataView View, float[][] Images, uint[] Labels);

    private TripletUnseenData(IDataView train, int trainRows, TestRows seen, TestRows unseen, ImageShape shape) =>
        (Train, TrainRows, Seen, Unseen, Shape) = (train, trainRows, seen, unseen, shape);

    public IDataView Train { get; }
    public int TrainRows { get; }
    public TestRows Seen { get; }
    public TestRows Unseen { get; }
    public ImageShape Shape { get; }

    public static TripletUnseenData Load(MLContext ml, string dataDir, int trainRows)
    {
        var allTrain = IdxData.Load(ml, dataDir, "train", 0);
        var test = IdxData.Load(ml, dataDir, "t10k", 0);
        // FilterByCustomPredicate drops the rows its predicate accepts.
        var train = ml.Data.FilterByCustomPredicate<LabelRow>(allTrain, row => row.Label >= SeenClasses);
        if (trainRows > 0)
            train = ml.Data.TakeRows(train, trainRows);
        int rows = train.GetColumn<uint>("Label").Count();
        var seen = Rows(ml.Data.FilterByCustomPredicate<LabelRow>(test, row => row.Label >= SeenClasses));
        var unseen = Rows(ml.Data.FilterByCustomPredicate<LabelRow>(test, row => row.Label < SeenClasses));
        var shape = ImageShape.FromAnnotations(test.Schema["Features"])
                    ?? throw new InvalidOperationException("LoadFromIdx annotates the image shape.");
        return new(train, rows, seen, unseen, shape);
    }

    private static TestRows Rows(IDataView view) =>
        new(view, view.GetColumn<float[]>("Features").ToArray(), view.GetColumn<uint>("Label").ToArray());

    /// <summary>The package's retrieval metrics (Euclidean; every row queries the others) of any vectors of these rows.</summary>
    public static EmbeddingMetrics Evaluate(MLContext ml, float[][] vectors, uint[] labels)
    {
        var schema = SchemaDefinition.Create(typeof(VectorRow));
        schema[nameof(VectorRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, vectors[0].Length);
        var view = ml.Data.LoadFromEnumerable(vectors.Zip(labels, (v, l) => new VectorRow { Features = v, Label = l }), schema);
        return ml.Embeddings().Evaluate(view, nameof(VectorRow.Features), nameof(VectorRow.Label),
            options: new EmbeddingEvaluationOptions { ComputeClusterQuality = false });
    }

    private sealed class LabelRow
    {
        public uint Label { get; set; }
    }

    private sealed class VectorRow
    {
        public float[] Features { get; set; } = [];
        public uint Label { get; set; }
    }
}
