using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Tests.Persistence;

namespace MlNetTriplet.Tests.Embeddings;

/// <summary>A pipeline with the triplet embedding saved to a zip and loaded again, here and in a fresh process.</summary>
[TestClass]
public sealed class TripletPersistenceTests
{
    private static string _dir = "";
    private static string _zip = "";

    [ClassInitialize]
    public static void SaveOnce(TestContext _)
    {
        _dir = TestData.TempDirectory();
        _zip = Path.Combine(_dir, "triplet.zip");
        TrainedEmbedding.Context.Model.Save(TrainedEmbedding.Model, TrainedEmbedding.Train.Schema, _zip);
    }

    [ClassCleanup]
    public static void Cleanup() => Directory.Delete(_dir, recursive: true);

    private static float[][] Embeddings(ITransformer model) =>
        model.Transform(TrainedEmbedding.Test).GetColumn<float[]>("Embedding").ToArray();

    [TestMethod]
    public void SaveLoad_InSameProcess_GivesIdenticalEmbeddingsNetworkAndHistory()
    {
        var loaded = new MLContext().Model.Load(_zip, out _);
        var expected = Embeddings(TrainedEmbedding.Model);
        var actual = Embeddings(loaded);
        for (int i = 0; i < expected.Length; i++)
            CollectionAssert.AreEqual(expected[i], actual[i], $"row {i}");
        var original = ((IEnumerable<ITransformer>)TrainedEmbedding.Model).OfType<TripletEmbeddingTransformer>().Single();
        var reloaded = ((IEnumerable<ITransformer>)loaded).OfType<TripletEmbeddingTransformer>().Single();
        Assert.AreEqual(256, reloaded.EmbeddingSize);
        Assert.AreEqual(new ImageShape(1, 28, 28), reloaded.ImageShape);
        Assert.IsTrue(reloaded.IsNormalized);
        Assert.IsNull(reloaded.Mlp);
        CollectionAssert.AreEqual(original.Architecture!.Blocks.ToList(), reloaded.Architecture!.Blocks.ToList());
        CollectionAssert.AreEqual(original.Architecture.DenseUnits.ToList(), reloaded.Architecture.DenseUnits.ToList());
        CollectionAssert.AreEqual(original.History!.Epochs.ToArray(), reloaded.History!.Epochs.ToArray());
    }

    [TestMethod]
    public void SaveLoad_InFreshProcess_GivesIdenticalEmbeddings()
    {
        var actual = ModelProbeProcess.TransformFashionTest(_zip, TrainedEmbedding.TestRows, "Embedding", _dir);
        var expected = Embeddings(TrainedEmbedding.Model);
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++)
            CollectionAssert.AreEqual(expected[i], actual[i], $"row {i}");
    }

    [TestMethod]
    public void Load_CorruptNetworkWeights_ThrowsNamingTheTripletEmbedding()
    {
        string path = Path.Combine(_dir, "corrupt.zip");
        ModelZip.RewriteEntry(_zip, path, e => e.EndsWith("Network.bin", StringComparison.Ordinal), b => b[..(b.Length / 3)]);
        var e = Assert.Throws<Exception>(() => new MLContext().Model.Load(path, out _).Transform(TrainedEmbedding.Test));
        StringAssert.Contains(ModelZip.Describe(e), "triplet embedding in this model zip is corrupt");
    }
}
