using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Tests.Persistence;

namespace MlNetTriplet.Tests.Projection;

/// <summary>UMAP through ML.NET: <c>mlContext.Transforms.ProjectToUmap</c> in a pipeline, lazy transform, PredictionEngine,
/// save/load, and input errors named by column.</summary>
[TestClass]
public sealed class UmapTransformerTests
{
    private const int TrainRows = 1500, TestRows = 300;
    private static readonly MLContext Ml = new(seed: 1);
    private static IDataView _train = null!, _test = null!;
    private static ITransformer _model = null!;
    private static UmapTransformer _umap = null!;
    private static string _dir = "";

    [ClassInitialize]
    public static void FitOnce(TestContext _)
    {
        _train = TestData.FashionTrain(Ml, TrainRows);
        _test = TestData.FashionTest(Ml, TestRows);
        var pipeline = Ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(Ml.Transforms.ProjectToUmap("Umap", "Features", new UmapOptions { EpochCount = 200 }));
        var model = pipeline.Fit(_train);
        _model = model;
        _umap = model.LastTransformer;
        _dir = TestData.TempDirectory();
    }

    [ClassCleanup]
    public static void Cleanup() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    public void Transform_TrainingData_ReturnsTheFittedPositions()
    {
        var fitted = _umap.GetTrainingEmbedding();
        var projected = Column(_model, _train);
        Assert.HasCount(TrainRows, projected);
        for (int i = 0; i < TrainRows; i++)
            CollectionAssert.AreEqual(new[] { fitted[i, 0], fitted[i, 1] }, projected[i], $"row {i}");
    }

    [TestMethod]
    public void Transform_NewData_PlacesRowsNearTheirClass()
    {
        var train = _umap.GetTrainingEmbedding();
        var test = Column(_model, _test);
        var points = new float[(TrainRows + TestRows) * 2];
        Buffer.BlockCopy(train, 0, points, 0, TrainRows * 2 * sizeof(float));
        for (int i = 0; i < TestRows; i++)
            test[i].CopyTo(points, (TrainRows + i) * 2);
        var labels = Labels(_train).Concat(Labels(_test)).ToArray();
        double accuracy = ProjectionQuality.KnnAccuracy(points, labels, TrainRows + TestRows, 2, k: 10, trainRows: TrainRows);
        // Raw pixels of 10 classes: umap-learn's placed points reach 0.77 at 60,000 training rows; 1,500 rows give less.
        Assert.IsGreaterThan(0.6, accuracy, $"10-NN accuracy of the placed test rows {accuracy:F3}");
    }

    [TestMethod]
    public void PredictionEngine_OneRow_MatchesTheBatchedCursor()
    {
        var batched = Column(_model, _test);
        var engine = Ml.Model.CreatePredictionEngine<Image, Projected>(_model, _test.Schema);
        var images = Ml.Data.CreateEnumerable<Image>(_test, reuseRowObject: false).Take(20).ToArray();
        for (int i = 0; i < images.Length; i++)
            CollectionAssert.AreEqual(batched[i], engine.Predict(images[i]).Umap, $"row {i}");
    }

    [TestMethod]
    public void SaveLoad_InSameAndFreshProcess_GiveIdenticalProjections()
    {
        string zip = Path.Combine(_dir, "umap.zip");
        Ml.Model.Save(_model, _train.Schema, zip);
        var expected = Column(_model, _test);
        var inProcess = Column(Ml.Model.Load(zip, out _), _test);
        var fresh = ModelProbeProcess.TransformFashionTest(zip, TestRows, "Umap", _dir);
        for (int i = 0; i < TestRows; i++)
        {
            CollectionAssert.AreEqual(expected[i], inProcess[i], $"in-process row {i}");
            CollectionAssert.AreEqual(expected[i], fresh[i], $"fresh-process row {i}");
        }
    }

    [TestMethod]
    public void Load_CorruptProjection_ThrowsNamingTheUmapProjection()
    {
        string zip = Path.Combine(_dir, "umap-source.zip"), corrupt = Path.Combine(_dir, "umap-corrupt.zip");
        Ml.Model.Save(_model, _train.Schema, zip);
        ModelZip.RewriteEntry(zip, corrupt, e => e.EndsWith("Umap.bin", StringComparison.Ordinal), b => b[..(b.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => new MLContext().Model.Load(corrupt, out _).Transform(_train));
        StringAssert.Contains(e.Message, "UMAP projection in this model zip is corrupt");
    }

    [TestMethod]
    public void Fit_WithTheSameMLContextSeed_IsRepeatable()
    {
        var small = TestData.FashionTrain(Ml, 300);
        var options = new UmapOptions { EpochCount = 50 };
        var first = new MLContext(seed: 7).Transforms.ProjectToUmap("Umap", "Features", options).Fit(small);
        var second = new MLContext(seed: 7).Transforms.ProjectToUmap("Umap", "Features", options).Fit(small);
        CollectionAssert.AreEqual(first.GetTrainingEmbedding(), second.GetTrainingEmbedding());
    }

    [TestMethod]
    public void Fit_WithMissingColumn_ThrowsNamingIt()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Transforms.ProjectToUmap("Umap", "Embedding").Fit(_test));
        StringAssert.Contains(e.Message, "'Embedding'");
    }

    [TestMethod]
    public void Fit_InPipelineWithScalarColumn_ThrowsSchemaMismatchBeforeFitting()
    {
        // An estimator chain checks every GetOutputSchema before fitting its first step.
        var pipeline = Ml.Transforms.CopyColumns("Copy", "Features").Append(Ml.Transforms.ProjectToUmap("Umap", "Label"));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.Fit(_test));
        StringAssert.Contains(e.Message, "Schema mismatch for input column 'Label'");
    }

    [TestMethod]
    public void Fit_WithNaN_ThrowsNamingColumnAndRow()
    {
        var rows = Enumerable.Range(0, 40).Select(i => new Row { X = [i, i % 7, 1f, 2f] }).ToArray();
        rows[23].X[2] = float.NaN;
        var data = Ml.Data.LoadFromEnumerable(rows);
        var e = Assert.Throws<InvalidDataException>(() => Ml.Transforms.ProjectToUmap("Umap", "X").Fit(data));
        StringAssert.Contains(e.Message, "row 23 of feature column 'X'");
    }

    [TestMethod]
    public void Fit_WithFewerRowsThanNeighbors_ThrowsNamingColumn()
    {
        var data = Ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(i => new Row { X = [i, 1f, 2f, 3f] }));
        var e = Assert.Throws<ArgumentException>(() => Ml.Transforms.ProjectToUmap("Umap", "X").Fit(data));
        StringAssert.Contains(e.Message, "column 'X' has 10 rows for NeighborCount 15");
    }

    [TestMethod]
    public void Transform_WithWrongVectorSize_ThrowsSchemaMismatch()
    {
        var data = Ml.Data.LoadFromEnumerable(Enumerable.Range(0, 5).Select(i => new Row { X = [i, 1f, 2f, 3f] }));
        var renamed = Ml.Transforms.CopyColumns("Features", "X").Fit(data).Transform(data);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _umap.Transform(renamed));
        StringAssert.Contains(e.Message, "expected Vector<Single, 784>");
    }

    [TestMethod]
    public void Save_WithCustomDistance_ThrowsSayingWhy()
    {
        var data = Ml.Data.LoadFromEnumerable(Enumerable.Range(0, 30).Select(i => new Row { X = [i, i % 5, 1f, 2f] }));
        var model = Ml.Transforms.ProjectToUmap("Umap", "X", new UmapOptions { CustomDistance = new Chebyshev(), EpochCount = 10 })
            .Fit(data);
        var e = Assert.Throws<NotSupportedException>(() => Ml.Model.Save(model, data.Schema, Path.Combine(_dir, "custom.zip")));
        StringAssert.Contains(e.Message, "CustomDistance");
    }

    private static float[][] Column(ITransformer model, IDataView data) =>
        model.Transform(data).GetColumn<float[]>("Umap").ToArray();

    private static IEnumerable<int> Labels(IDataView data) => data.GetColumn<uint>("Label").Select(v => (int)v);

    private sealed class Chebyshev : IUmapDistance
    {
        public float Distance(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
        {
            float max = 0;
            for (int i = 0; i < x.Length; i++) max = Math.Max(max, Math.Abs(x[i] - y[i]));
            return max;
        }
    }

    private sealed class Row
    {
        [VectorType(4)]
        public float[] X { get; set; } = [];
    }

    private sealed class Image
    {
        [VectorType(784)]
        public float[] Features { get; set; } = [];

        public uint Label { get; set; }
    }

    private sealed class Projected
    {
        public float[] Umap { get; set; } = [];
    }
}
