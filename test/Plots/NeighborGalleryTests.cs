using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Plots;
using MlNetTriplet.Tests.TransferLearning;

namespace MlNetTriplet.Tests.Plots;

[TestClass]
public sealed class NeighborGalleryTests : PlotTests
{
    private const int Classes = 6;
    private static readonly MLContext Ml = new(seed: 0);

    private sealed class Embedded
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
        [VectorType(Classes)] public float[] Embedding { get; set; } = [];
    }

    /// <summary>Real Caltech photos with an embedding that puts each class on its own axis (a small offset per photo),
    /// so a photo's nearest neighbours are the others of its class, nearest first in folder order.</summary>
    private static IDataView Photos(int every)
    {
        var photos = CaltechPhotos.List(Ml, "train", every);
        return Ml.Data.LoadFromEnumerable(photos.Select((p, i) => new Embedded
        {
            ImagePath = p.ImagePath, Label = p.Label,
            Embedding = Enumerable.Range(0, Classes).Select(c => (c == Array.IndexOf(CaltechPhotos.Classes, p.Label) ? 1f : 0f) + 1e-3f * i).ToArray(),
        }));
    }

    private static IDataView Search(IDataView gallery, int neighbors, string? idColumn = "ImagePath") =>
        Ml.Transforms.NearestNeighbors(new NearestNeighborsOptions
        {
            FeatureColumnName = "Embedding", IdColumnName = idColumn, NeighborCount = neighbors,
        }).Fit(gallery).Transform(gallery);

    [TestMethod]
    public void Save_OnSearchedPhotos_DrawsOneRowPerQueryWithItsNeighboursButNotItself()
    {
        string path = Path.Combine(Folder, "neighbors.png");
        int drawn = NeighborGallery.Save(Search(Photos(every: 4), neighbors: 4), path,
            new NeighborGalleryOptions { MaxQueries = 3, MaxNeighbors = 3, TileSize = 100, Title = "Queries and neighbours" });
        Assert.AreEqual(3, drawn);
        var (width, height) = PngAssert.ReadPngSize(path);
        Assert.AreEqual(12 + 4 * (100 + 12), width, "the query and 3 neighbours a row (the query's own match left out)");
        Assert.IsGreaterThan(3 * 100, height, "three rows of photos and captions");
    }

    [TestMethod]
    public void Save_WhenEveryQueryFindsOnlyItself_WritesNothing()
    {
        string path = Path.Combine(Folder, "none.png");
        Assert.AreEqual(0, NeighborGallery.Save(Search(Photos(every: 4), neighbors: 1), path));
        Assert.IsFalse(File.Exists(path));
    }

    [TestMethod]
    public void Save_NeighbourIdsThatAreNotPaths_RefusedNamingTheIdColumnOption()
    {
        // A schema mismatch, as ML.NET reports one (ArgumentOutOfRangeException on the schema).
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            NeighborGallery.Save(Search(Photos(every: 10), neighbors: 2, idColumn: null),
                Path.Combine(Folder, "never-written.png")));
        StringAssert.Contains(e.Message, "NeighborIds");
        StringAssert.Contains(e.Message, "IdColumnName");
    }

    [TestMethod]
    public void Save_APhotoThatIsGone_NamesTheFile()
    {
        var rows = Ml.Data.CreateEnumerable<Embedded>(Photos(every: 10), reuseRowObject: false).ToList();
        rows[1].ImagePath = Path.Combine(Path.GetTempPath(), "no-such-photo.jpg");
        var e = Assert.ThrowsExactly<InvalidDataException>(() =>
            NeighborGallery.Save(Search(Ml.Data.LoadFromEnumerable(rows), neighbors: 2),
                Path.Combine(Folder, "never-written.png")));
        StringAssert.Contains(e.Message, "no-such-photo.jpg");
    }
}
