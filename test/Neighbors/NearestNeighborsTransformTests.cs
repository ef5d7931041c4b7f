using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Tests.Persistence;

namespace MlNetTriplet.Tests.Neighbors;

/// <summary>The nearest-neighbour search transform through ML.NET: exact results against a brute-force double loop,
/// the approximate mode's recall against exact, <c>PredictionEngine</c> against the batched cursor, save and load in a
/// fresh process, and new rows and classes added without refitting.</summary>
[TestClass]
public sealed class NearestNeighborsTransformTests
{
    private static readonly MLContext Ml = new(seed: 1);
    private static string _dir = "";

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void CreateFolder(TestContext _) => _dir = TestData.TempDirectory();

    [ClassCleanup]
    public static void Cleanup() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    [DataRow(DistanceMetric.Euclidean)]
    [DataRow(DistanceMetric.Cosine)]
    public void ExactSearch_EqualsABruteForceDoubleLoop_EqualDistancesInGalleryOrder(DistanceMetric distance)
    {
        const int rows = 240, queryCount = 60, dims = 8, k = 12;
        var random = new Random(3);
        // Euclidean on small integers: every distance is exact in float, so many are equal and only the gallery order
        // can rank them. Cosine on Gaussian rows, whose exact ties are the duplicated rows.
        float[] Vector() => Enumerable.Range(0, dims).Select(_ => distance == DistanceMetric.Euclidean
            ? random.Next(-2, 3) : (float)(random.NextDouble() * 2 - 1)).ToArray();
        var gallery = Enumerable.Range(0, rows).Select(_ => Vector()).ToArray();
        for (int i = 0; i < 20; i++)
            gallery[2 * i + 1] = [.. gallery[2 * i]];
        // The first queries are gallery rows: at distance 0 from themselves and from their duplicates.
        var queries = Enumerable.Range(0, queryCount).Select(q => q < 10 ? [.. gallery[4 * q]] : Vector()).ToArray();
        var model = Ml.Transforms.NearestNeighbors(new NearestNeighborsOptions { NeighborCount = k, Distance = distance })
            .Fit(Galleries.Load(Ml, Galleries.Rows(gallery, i => i % 7), dims));
        var found = model.Transform(Galleries.Load(Ml, Galleries.Rows(queries, _ => 0), dims));
        var ids = found.GetColumn<int[]>("NeighborIds").ToArray();
        var distances = found.GetColumn<float[]>("NeighborDistances").ToArray();
        var labels = found.GetColumn<string[]>("NeighborLabels").ToArray();

        int ties = 0;
        for (int q = 0; q < queryCount; q++)
        {
            var expected = Enumerable.Range(0, rows).Select(j => (D: BruteForce(distance, queries[q], gallery[j]), J: j))
                .OrderBy(p => p.D).ThenBy(p => p.J).Take(k).ToArray();
            ties += expected.Zip(expected.Skip(1)).Count(p => p.First.D == p.Second.D);
            CollectionAssert.AreEqual(expected.Select(p => p.J).ToArray(), ids[q], $"query {q}");
            CollectionAssert.AreEqual(expected.Select(p => $"c{p.J % 7}").ToArray(), labels[q], $"query {q}");
            for (int t = 0; t < k; t++)
                Assert.AreEqual(expected[t].D, distances[q][t], 1e-5, $"query {q}, neighbour {t}");
        }
        Assert.IsGreaterThan(20, ties, "the data must hold equal distances for the order of ties to be tested");
    }

    private static double BruteForce(DistanceMetric distance, float[] a, float[] b)
    {
        double squares = 0, dot = 0, aa = 0, bb = 0;
        for (int d = 0; d < a.Length; d++)
        {
            squares += (a[d] - (double)b[d]) * (a[d] - (double)b[d]);
            dot += a[d] * (double)b[d];
            aa += a[d] * (double)a[d];
            bb += b[d] * (double)b[d];
        }
        return distance == DistanceMetric.Euclidean ? Math.Sqrt(squares) : 1 - dot / Math.Sqrt(aa * bb);
    }

    [TestMethod]
    [DataRow(DistanceMetric.Euclidean)]
    [DataRow(DistanceMetric.Cosine)]
    public void ApproximateSearch_On20000MixtureRows_FindsAtLeast95PercentOfTheExact10Nearest(DistanceMetric distance)
    {
        const int rows = 20_000, queryCount = 500, dims = 64;
        var vectors = Galleries.Mixture(rows + queryCount, dims, clusters: 100, seed: 5);
        var gallery = Galleries.Load(Ml, Galleries.Rows(vectors[..rows], i => i % 100), dims);
        var queries = Galleries.Load(Ml, Galleries.Rows(vectors[rows..], _ => 0), dims);
        int[][] Neighbors(bool approximate) => Ml.Transforms.NearestNeighbors(new NearestNeighborsOptions
        {
            Distance = distance, Approximate = approximate, Seed = 3,
        }).Fit(gallery).Transform(queries).GetColumn<int[]>("NeighborIds").ToArray();
        var exact = Neighbors(approximate: false);
        var approximate = Neighbors(approximate: true);
        double recall = exact.Zip(approximate, (e, a) => e.Intersect(a).Count() / 10.0).Average();
        TestContext.WriteLine($"{distance}: recall@10 {recall:F4}");
        // Measured 1.000 for both distances; the bench's 100,000 rows: README.
        Assert.IsGreaterThanOrEqualTo(0.95, recall, $"recall@10 {recall:F4}");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void PredictionEngine_OneRowAtATime_MatchesTheBatchedTransform(bool approximate)
    {
        const int dims = 16;
        var vectors = Galleries.Mixture(600, dims, clusters: 6, seed: 2);
        var model = Ml.Transforms.NearestNeighbors(new NearestNeighborsOptions
        {
            NeighborCount = 5, Approximate = approximate, IdColumnName = "Id", Vote = NeighborVote.DistanceWeighted,
        }).Fit(Galleries.Load(Ml, Galleries.Rows(vectors[..500], i => i % 6), dims));
        var queries = Galleries.Rows(vectors[500..], _ => 0);
        var batched = model.Transform(Galleries.Load(Ml, queries, dims));
        var ids = batched.GetColumn<long[]>("NeighborIds").ToArray();
        var scores = batched.GetColumn<float[]>("Score").ToArray();
        var engine = Ml.Model.CreatePredictionEngine<Galleries.Row, Found>(model, Galleries.Load(Ml, queries, dims).Schema);
        for (int q = 0; q < queries.Count; q++)
        {
            var one = engine.Predict(queries[q]);
            CollectionAssert.AreEqual(ids[q], one.NeighborIds, $"query {q}");
            CollectionAssert.AreEqual(scores[q], one.Score, $"query {q}");
        }
        Assert.IsTrue(ids.All(n => n.All(id => id is >= 1000 and < 1500)), "ids come from the gallery's Id column");
    }

    private sealed class Found
    {
        public long[] NeighborIds { get; set; } = [];
        public float[] Score { get; set; } = [];
    }

    [TestMethod]
    public void SaveLoad_InSameAndFreshProcess_GiveIdenticalNeighbours()
    {
        const int galleryRows = 2000, queries = 100;
        var gallery = TestData.FashionTrain(Ml, galleryRows);
        var test = TestData.FashionTest(Ml, queries);
        foreach (bool approximate in new[] { false, true })
        {
            var model = Ml.Transforms.NearestNeighbors(new NearestNeighborsOptions
            {
                Approximate = approximate, Distance = DistanceMetric.Cosine, Vote = NeighborVote.Majority,
            }).Fit(gallery);
            string zip = Path.Combine(_dir, $"search-{approximate}.zip");
            Ml.Model.Save(model, gallery.Schema, zip);
            var loaded = new MLContext().Model.Load(zip, out _);
            foreach (string column in new[] { "NeighborIds", "NeighborDistances", "Score" })
            {
                var expected = Floats(model.Transform(test), column);
                var inProcess = Floats(loaded.Transform(test), column);
                var fresh = ModelProbeProcess.TransformFashionTest(zip, queries, column, _dir);
                for (int q = 0; q < queries; q++)
                {
                    CollectionAssert.AreEqual(expected[q], inProcess[q], $"{column}, approximate {approximate}, in-process row {q}");
                    CollectionAssert.AreEqual(expected[q], fresh[q], $"{column}, approximate {approximate}, fresh-process row {q}");
                }
            }
        }
    }

    [TestMethod]
    public void Load_CorruptGallery_ThrowsNamingTheSearch()
    {
        var gallery = TestData.FashionTrain(Ml, 200);
        var model = Ml.Transforms.NearestNeighbors().Fit(gallery);
        string zip = Path.Combine(_dir, "search-source.zip"), corrupt = Path.Combine(_dir, "search-corrupt.zip");
        Ml.Model.Save(model, gallery.Schema, zip);
        ModelZip.RewriteEntry(zip, corrupt, e => e.EndsWith("Gallery.bin", StringComparison.Ordinal), b => b[..(b.Length / 2)]);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => new MLContext().Model.Load(corrupt, out _).Transform(gallery));
        StringAssert.Contains(e.Message, "nearest-neighbour search in this model zip is corrupt");
    }

    private static float[][] Floats(IDataView data, string column) => data.Schema[column].Type.RawType == typeof(VBuffer<int>)
        ? data.GetColumn<int[]>(column).Select(ids => ids.Select(i => (float)i).ToArray()).ToArray()
        : data.GetColumn<float[]>(column).ToArray();

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void AddToGallery_RowsOfANewLabel_BecomeANewClass_AndTheOriginalTransformerIsUnchanged(bool approximate)
    {
        const int dims = 16;
        var vectors = Galleries.Mixture(800, dims, clusters: 4, seed: 9);
        // Rows of clusters 0-2 form the gallery; cluster 3 (every fourth row) is the class added later.
        var rows = Galleries.Rows(vectors[..600], i => i % 4);
        var queries = Galleries.Load(Ml, Galleries.Rows(vectors[600..], i => i % 4), dims);
        var model = Ml.MulticlassClassification.Trainers.NearestNeighbors(new NearestNeighborsOptions
        {
            LabelColumnName = "Label", NeighborCount = 5, Approximate = approximate, IdColumnName = "Id",
        }).Fit(Galleries.Load(Ml, rows.Where(r => r.Label != "c3"), dims));
        var before = model.Transform(queries).GetColumn<uint>("PredictedLabel").ToArray();

        var grown = model.AddToGallery(Galleries.Load(Ml, rows.Where(r => r.Label == "c3"), dims));

        CollectionAssert.AreEqual(new[] { "c0", "c1", "c2" }, model.ClassNames.ToArray());
        CollectionAssert.AreEqual(new[] { "c0", "c1", "c2", "c3" }, grown.ClassNames.ToArray());
        Assert.AreEqual(450, model.GalleryRows);
        Assert.AreEqual(600, grown.GalleryRows);
        CollectionAssert.AreEqual(before, model.Transform(queries).GetColumn<uint>("PredictedLabel").ToArray());
        var after = grown.Transform(queries);
        var predicted = after.GetColumn<uint>("PredictedLabel").ToArray();
        var truth = Enumerable.Range(600, 200).Select(i => (uint)(i % 4) + 1).ToArray();
        Assert.AreEqual(4UL, ((KeyDataViewType)after.Schema["PredictedLabel"].Type).Count);
        Assert.AreEqual(1.0, predicted.Zip(truth).Count(p => p.First == p.Second) / 200.0, 0.02, "separated clusters");
        // Each neighbour's id and label are those of one gallery row (row i: id 1000 + i, label c(i mod 4)).
        var ids = after.GetColumn<long[]>("NeighborIds").SelectMany(n => n);
        var labels = after.GetColumn<string[]>("NeighborLabels").SelectMany(n => n);
        CollectionAssert.AreEqual(ids.Select(id => $"c{(id - 1000) % 4}").ToArray(), labels.ToArray());
        Assert.IsTrue(ids.Count(id => (id - 1000) % 4 == 3) > 0.2 * 200 * 5, "the added rows are found");
    }
}
