using System.IO.Compression;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Tests.Classification;

namespace MlNetTriplet.Tests.Persistence;

[TestClass]
public sealed class CnnPersistenceTests
{
    private static string _dir = "";
    private static string _zip = "";
    private static ITransformer _model = null!;

    [ClassInitialize]
    public static void SaveOnce(TestContext _)
    {
        _dir = TestData.TempDirectory();
        _zip = Path.Combine(_dir, "cnn.zip");
        var ml = TrainedCnn.Context;
        // Transforms before (MapValueToKey) and after (MapKeyToValue) the CNN, as users build pipelines.
        _model = ((TransformerChain<ITransformer>)new TransformerChain<ITransformer>(
                ((IEnumerable<ITransformer>)TrainedCnn.Model).ToArray()))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedValue", "PredictedLabel")
                .Fit(TrainedCnn.Model.Transform(TrainedCnn.Test)));
        ml.Model.Save(_model, TrainedCnn.Test.Schema, _zip);
    }

    [ClassCleanup]
    public static void Cleanup() => Directory.Delete(_dir, recursive: true);

    private static float[][] Scores(ITransformer model) =>
        model.Transform(TrainedCnn.Test).GetColumn<float[]>("Score").ToArray();

    [TestMethod]
    public void SaveLoad_InSameProcess_GivesIdenticalScoresAndLabels()
    {
        var ml = new MLContext();
        var loaded = ml.Model.Load(_zip, out var schema);
        Assert.IsNotNull(schema.GetColumnOrNull("Features"));
        var expected = Scores(_model);
        var actual = Scores(loaded);
        for (int i = 0; i < expected.Length; i++)
            CollectionAssert.AreEqual(expected[i], actual[i], $"row {i}");
        CollectionAssert.AreEqual(
            _model.Transform(TrainedCnn.Test).GetColumn<uint>("PredictedValue").ToArray(),
            loaded.Transform(TrainedCnn.Test).GetColumn<uint>("PredictedValue").ToArray());
    }

    [TestMethod]
    public void SaveLoad_KeepsTrainingHistoryAndShape()
    {
        var original = ((IEnumerable<ITransformer>)_model).OfType<CnnClassifierTransformer>().Single();
        var loaded = ((IEnumerable<ITransformer>)new MLContext().Model.Load(_zip, out _)).OfType<CnnClassifierTransformer>().Single();
        Assert.AreEqual(original.ImageShape, loaded.ImageShape);
        Assert.AreEqual(10, loaded.ClassCount);
        Assert.IsNotNull(loaded.History);
        CollectionAssert.AreEqual(original.History!.Epochs.ToArray(), loaded.History.Epochs.ToArray());
    }

    [TestMethod]
    public void SaveLoad_InFreshProcess_GivesIdenticalScores()
    {
        var loaded = ModelProbeProcess.TransformFashionTest(_zip, TrainedCnn.TestRows, "Score", _dir);
        var expected = Scores(_model);
        Assert.HasCount(expected.Length, loaded);
        for (int i = 0; i < expected.Length; i++)
            CollectionAssert.AreEqual(expected[i], loaded[i], $"row {i}");
    }

    [TestMethod]
    public void Load_TruncatedZip_ThrowsSayingZipCannotBeOpened()
    {
        string path = Path.Combine(_dir, "truncated.zip");
        var bytes = File.ReadAllBytes(_zip);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        // ML.NET opens the zip before any of our code runs; its message is already clear.
        var e = Assert.ThrowsExactly<FormatException>(() => new MLContext().Model.Load(path, out _));
        StringAssert.Contains(e.Message, "zip archive");
    }

    [TestMethod]
    public void Load_CorruptNetworkWeights_ThrowsNamingTheCnn()
    {
        string path = Path.Combine(_dir, "corrupt.zip");
        ModelZip.RewriteEntry(_zip, path, e => e.EndsWith("Network.bin", StringComparison.Ordinal), b => b[..(b.Length / 3)]);
        var e = Assert.Throws<InvalidDataException>(() => new MLContext().Model.Load(path, out _).Transform(TrainedCnn.Test));
        // The first message a user reads says what is wrong, not "Exception has been thrown by the target of an invocation".
        StringAssert.Contains(e.Message, "CNN classifier in this model zip is corrupt", ModelZip.Describe(e));
        StringAssert.Contains(e.Message, "Network.bin", ModelZip.Describe(e));
    }

    [TestMethod]
    public void Load_EditedNetworkWeights_ThrowsChecksumMismatch()
    {
        string path = Path.Combine(_dir, "edited.zip");
        // Same length, one weight byte changed: TorchSharp alone would load it and predict nonsense.
        ModelZip.RewriteEntry(_zip, path, e => e.EndsWith("Network.bin", StringComparison.Ordinal), b =>
        {
            b[b.Length - 3] ^= 0x5A;
            return b;
        });
        var e = Assert.Throws<Exception>(() => new MLContext().Model.Load(path, out _).Transform(TrainedCnn.Test));
        StringAssert.Contains(e.Message, "do not match the checksum", ModelZip.Describe(e));
    }

    [TestMethod]
    public void Load_EditedDescriptionWithInferenceBatchSize0_ThrowsNamingTheOption()
    {
        string path = Path.Combine(_dir, "batch0.zip");
        // The description is JSON in the main stream (no checksum): an inference batch of 0 rows, padded with spaces so
        // the string keeps its length prefix.
        ModelZip.RewriteEntry(_zip, path, e => e.EndsWith("Model.key", StringComparison.Ordinal) && Contains(e), b =>
        {
            byte[] from = Encoding.ASCII.GetBytes("\"InferenceBatchSize\":256"), to = Encoding.ASCII.GetBytes("\"InferenceBatchSize\":0  ");
            int at = IndexOf(b, from);
            Assert.IsGreaterThanOrEqualTo(0, at, "the saved description should hold the inference batch size");
            to.CopyTo(b, at);
            return b;
        });
        var e = Assert.Throws<Exception>(() => new MLContext().Model.Load(path, out _).Transform(TrainedCnn.Test));
        StringAssert.Contains(e.Message, "CNN classifier in this model zip is corrupt: Option CnnClassifierTrainer.Options.InferenceBatchSize is 0: expected at least 1",
            ModelZip.Describe(e));
    }

    [TestMethod]
    public void Load_ModelFromNewerVersion_ThrowsAskingToUpgrade()
    {
        string path = Path.Combine(_dir, "future.zip");
        // The ML.NET model header holds our 8-byte model signature followed by (written, readable) versions.
        ModelZip.RewriteEntry(_zip, path, e => e.EndsWith("Model.key", StringComparison.Ordinal) && Contains(e), b =>
        {
            int at = IndexOf(b, Encoding.ASCII.GetBytes("MLNTCNNC")) + 8;
            BitConverter.GetBytes(0x00020001u).CopyTo(b, at);
            BitConverter.GetBytes(0x00020001u).CopyTo(b, at + 4);
            return b;
        });
        var e = Assert.Throws<Exception>(() => new MLContext().Model.Load(path, out _).Transform(TrainedCnn.Test));
        StringAssert.Contains(e.Message, "newer MlNetTriplet", e.ToString());
    }

    private static bool Contains(string entry)
    {
        using var archive = ZipFile.OpenRead(_zip);
        using var stream = archive.GetEntry(entry)!.Open();
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return IndexOf(memory.ToArray(), Encoding.ASCII.GetBytes("MLNTCNNC")) >= 0;
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
                return i;
        return -1;
    }
}
