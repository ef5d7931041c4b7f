using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

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
    public void SaveLoad_InSameProcess_GivesIdenticalEmbeddingsAndHistory()
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
        CollectionAssert.AreEqual(original.History!.Epochs.ToArray(), reloaded.History!.Epochs.ToArray());
    }

    [TestMethod]
    public void SaveLoad_InFreshProcess_GivesIdenticalEmbeddings()
    {
        string output = Path.Combine(_dir, "probe-embeddings.txt");
        string probe = typeof(TripletPersistenceTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ModelProbePath").Value!;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                probe, _zip, Path.Combine(TestData.FashionMnistDirectory, "t10k-images-idx3-ubyte.gz"),
                Path.Combine(TestData.FashionMnistDirectory, "t10k-labels-idx1-ubyte.gz"),
                TrainedEmbedding.TestRows.ToString(CultureInfo.InvariantCulture), output, "Embedding",
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, errors);
        var lines = File.ReadAllLines(output);
        var expected = Embeddings(TrainedEmbedding.Model);
        Assert.HasCount(expected.Length, lines);
        for (int i = 0; i < expected.Length; i++)
            CollectionAssert.AreEqual(expected[i],
                lines[i].Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray(), $"row {i}");
    }
}
