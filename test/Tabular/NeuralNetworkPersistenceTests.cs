using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Tests.Persistence;

namespace MlNetTriplet.Tests.Tabular;

[TestClass]
public sealed class NeuralNetworkPersistenceTests
{
    private static string _dir = "";
    private static string _zip = "";

    [ClassInitialize]
    public static void SaveOnce(TestContext _)
    {
        _dir = TestData.TempDirectory();
        _zip = Path.Combine(_dir, "bank.zip");
        // The loader goes into the zip too, so another process can score a CSV with nothing but the zip.
        TrainedBankNetwork.Context.Model.Save(TrainedBankNetwork.Model, BankData.Loader(TrainedBankNetwork.Context), _zip);
    }

    [ClassCleanup]
    public static void Cleanup() => Directory.Delete(_dir, recursive: true);

    private static float[] Scores(ITransformer model, IDataView data) => model.Transform(data).GetColumn<float>("Score").ToArray();

    [TestMethod]
    public void SaveLoad_InSameProcess_GivesIdenticalScoresAndHistory()
    {
        var ml = new MLContext();
        var loaded = ml.Model.Load(_zip, out _);
        CollectionAssert.AreEqual(Scores(TrainedBankNetwork.Model, TrainedBankNetwork.Validation),
            Scores(loaded, TrainedBankNetwork.Validation));
        var original = ((IEnumerable<ITransformer>)TrainedBankNetwork.Model).OfType<NeuralNetworkTransformer>().Single();
        var network = ((IEnumerable<ITransformer>)loaded).OfType<NeuralNetworkTransformer>().Single();
        Assert.IsTrue(network.IsBinary);
        Assert.AreEqual(original.Architecture.HiddenLayers.Count, network.Architecture.HiddenLayers.Count);
        CollectionAssert.AreEqual(original.History!.Epochs.ToArray(), network.History!.Epochs.ToArray());
        // Evaluate still works on the reloaded model.
        Assert.IsGreaterThan(0.88, ml.BinaryClassification.Evaluate(loaded.Transform(TrainedBankNetwork.Validation)).AreaUnderRocCurve);
    }

    [TestMethod]
    public void SaveLoad_InFreshProcess_GivesIdenticalScores()
    {
        var expected = Scores(TrainedBankNetwork.Model, BankData.Loader(TrainedBankNetwork.Context).Load(BankData.Kaggle));
        var actual = ModelProbeProcess.TransformWithSavedLoader(_zip, BankData.Kaggle, "Score", _dir).Select(v => v.Single()).ToArray();
        Assert.HasCount(11162, actual);
        CollectionAssert.AreEqual(expected, actual);
    }
}
