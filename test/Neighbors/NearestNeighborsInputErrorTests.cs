using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Neighbors;

/// <summary>Bad galleries and queries fail before any search or index build, with the column, the row or the option
/// named.</summary>
[TestClass]
public sealed class NearestNeighborsInputErrorTests
{
    private const int Dims = 4;
    private static readonly MLContext Ml = new(seed: 1);

    private static List<Galleries.Row> Rows(int count) => Galleries.Rows(Galleries.Mixture(count, Dims, 2, seed: 1), i => i % 2);

    private static NearestNeighborsEstimator Search(int k = 3, bool approximate = true) =>
        Ml.Transforms.NearestNeighbors(new NearestNeighborsOptions { NeighborCount = k, Approximate = approximate });

    [TestMethod]
    public void Fit_GalleryWithoutTheEmbeddingColumn_NamesTheColumn()
    {
        var gallery = Galleries.Load(Ml, Rows(10), Dims);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            Ml.Transforms.NearestNeighbors("Embedding").Fit(gallery));
        StringAssert.Contains(e.Message, "Could not find embedding column 'Embedding'");
        StringAssert.Contains(e.Message, "'Features'");
    }

    [TestMethod]
    public void Transform_QueriesOfAnotherSize_NameBothSizes()
    {
        var model = Search().Fit(Galleries.Load(Ml, Rows(10), Dims));
        var queries = Galleries.Load(Ml, Galleries.Rows(Galleries.Mixture(3, Dims + 2, 1, seed: 2), _ => 0), Dims + 2);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Transform(queries));
        StringAssert.Contains(e.Message, "Schema mismatch for embedding column 'Features': expected Vector<Single, 4>, got Vector<Single, 6>");
    }

    [TestMethod]
    public void AddToGallery_RowsOfAnotherSize_NameBothSizes()
    {
        var model = Search().Fit(Galleries.Load(Ml, Rows(10), Dims));
        var more = Galleries.Load(Ml, Galleries.Rows(Galleries.Mixture(3, Dims + 2, 1, seed: 2), _ => 0), Dims + 2);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.AddToGallery(more));
        StringAssert.Contains(e.Message, "expected Vector<Single, 4>, got Vector<Single, 6>");
    }

    [TestMethod]
    public void Fit_MoreNeighboursThanGalleryRows_NamesTheOptionAndTheRowCount()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Search(k: 10).Fit(Galleries.Load(Ml, Rows(6), Dims)));
        StringAssert.StartsWith(e.Message, "Option NearestNeighborsOptions.NeighborCount is 10: expected at most the gallery's 6 rows.");
    }

    [TestMethod]
    public void Fit_MoreNeighboursThanRowsOfAViewThatDoesNotKnowItsRowCount_RefusedAfterReading()
    {
        var gallery = Ml.Data.FilterByCustomPredicate<Galleries.Row>(Galleries.Load(Ml, Rows(12), Dims), r => r.Id % 2 == 0);
        Assert.IsNull(gallery.GetRowCount());
        var e = Assert.ThrowsExactly<ArgumentException>(() => Search(k: 10).Fit(gallery));
        StringAssert.Contains(e.Message, "expected at most the gallery's 6 rows");
    }

    [TestMethod]
    public void Fit_NaNEmbedding_NamesTheRowAndSlot()
    {
        var rows = Rows(10);
        rows[7].Features[2] = float.NaN;
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Search().Fit(Galleries.Load(Ml, rows, Dims)));
        StringAssert.StartsWith(e.Message, "Gallery: row 7 of embedding column 'Features' holds NaN at slot 2");
    }

    [TestMethod]
    public void AddToGallery_InfiniteEmbedding_NamesTheRow()
    {
        var model = Search().Fit(Galleries.Load(Ml, Rows(10), Dims));
        var more = Rows(3);
        more[1].Features[0] = float.PositiveInfinity;
        var e = Assert.ThrowsExactly<InvalidDataException>(() => model.AddToGallery(Galleries.Load(Ml, more, Dims)));
        StringAssert.StartsWith(e.Message, "Added gallery rows: row 1 of embedding column 'Features' holds Infinity at slot 0");
    }

    [TestMethod]
    public void Fit_EmptyGallery_SaysItIsEmpty()
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Search().Fit(Galleries.Load(Ml, [], Dims)));
        StringAssert.StartsWith(e.Message, "Gallery is empty");
    }

    [TestMethod]
    public void Fit_LabelColumnOfAnUnsupportedType_NamesTheColumnAndTheTypes()
    {
        var gallery = Ml.Data.LoadFromEnumerable(Rows(10).Select(r => new DatedRow { Features = r.Features, Label = DateTime.UnixEpoch }),
            Schema<DatedRow>());
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Search().Fit(gallery));
        StringAssert.Contains(e.Message, "Schema mismatch for label column 'Label': expected a scalar Key<UInt32>, Boolean, Text or number");
        StringAssert.Contains(e.Message, "got DateTime");
    }

    [TestMethod]
    public void Fit_IdColumnOfABoolean_IsRefusedNamingIt()
    {
        var gallery = Ml.Data.LoadFromEnumerable(Rows(10).Select(r => new FlaggedRow { Features = r.Features, Label = r.Label }),
            Schema<FlaggedRow>());
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            Ml.Transforms.NearestNeighbors(new NearestNeighborsOptions { IdColumnName = "Flag", NeighborCount = 3 }).Fit(gallery));
        StringAssert.Contains(e.Message, "Schema mismatch for id column 'Flag': expected Text or a number, got Boolean");
    }

    [TestMethod]
    public void Fit_MissingKeyLabel_NamesTheRow()
    {
        var rows = Rows(10);
        rows[4].Label = "";
        var keyed = Ml.Transforms.Conversion.MapValueToKey("Label").Fit(Galleries.Load(Ml, rows.Where(r => r.Label != ""), Dims))
            .Transform(Galleries.Load(Ml, rows, Dims));
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Search().Fit(keyed));
        StringAssert.StartsWith(e.Message, "Gallery: row 4 has a missing value in label column 'Label' (a missing key");
    }

    [TestMethod]
    public void AddToGallery_LabelsOfAnotherType_NameBothTypes()
    {
        var model = Search().Fit(Galleries.Load(Ml, Rows(10), Dims));
        var numbered = Ml.Data.LoadFromEnumerable(Rows(3).Select(r => new NumberedRow { Features = r.Features, Label = 3 }),
            Schema<NumberedRow>());
        var e = Assert.ThrowsExactly<ArgumentException>(() => model.AddToGallery(numbered));
        StringAssert.StartsWith(e.Message, "Label column 'Label' of the added rows is Int32; the gallery's labels are String.");
    }

    [TestMethod]
    public void Fit_InAPipelineWithAScalarEmbedding_RefusedByTheSchemaCheckBeforeAnyStepFits()
    {
        var pipeline = Ml.Transforms.CopyColumns("Copy", "Features")
            .Append(Ml.Transforms.NearestNeighbors(new NearestNeighborsOptions { FeatureColumnName = "Id" }));
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => pipeline.Fit(Galleries.Load(Ml, Rows(10), Dims)));
        StringAssert.Contains(e.Message, "Schema mismatch for embedding column 'Id'");
    }

    private static SchemaDefinition Schema<T>()
    {
        var schema = SchemaDefinition.Create(typeof(T));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Dims);
        return schema;
    }

    private sealed class DatedRow
    {
        public float[] Features { get; set; } = [];
        public DateTime Label { get; set; }
    }

    private sealed class FlaggedRow
    {
        public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
        public bool Flag { get; set; }
    }

    private sealed class NumberedRow
    {
        public float[] Features { get; set; } = [];
        public int Label { get; set; }
    }
}
