using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Tests.Persistence;

namespace MlNetTriplet.Tests.Explain;

[TestClass]
public sealed class ClassActivationMapPersistenceTests
{
    private static readonly ClassActivationMapOptions Options = new()
    {
        Method = CamMethod.HiResCam, LayerName = "block0", Target = CamTarget.Class("cross"), BoxColumnName = "Box",
        BoxThreshold = 0.25f, PreparedImageColumnName = "Input", OutputColumnName = "Heat", ExplainedLabelColumnName = "Why",
    };

    [TestMethod]
    public void SaveLoad_InSameProcess_GivesTheSameMapsBoxesAndOptions()
    {
        string dir = TestData.TempDirectory();
        try
        {
            using var classifier = CamTestModels.Cnn(CamTestModels.SmallGap, seed: 30);
            var data = CamMaps.Scenes(5);
            using var transformer = CamMaps.Ml.Transforms.ClassActivationMaps(classifier, Options).Fit(data);
            string zip = Path.Combine(dir, "cam.zip");
            CamMaps.Ml.Model.Save(transformer, data.Schema, zip);
            var loaded = (ClassActivationMapTransformer)CamMaps.Ml.Model.Load(zip, out _);
            using (loaded)
            {
                Assert.AreEqual(CamMethod.HiResCam, loaded.Method);
                Assert.AreEqual("Class(\"cross\")", loaded.Target.ToString());
                Assert.AreEqual("block0", loaded.LayerName);
                Assert.AreEqual("Box", loaded.BoxColumnName);
                var expected = transformer.Transform(data);
                var actual = loaded.Transform(data);
                foreach (string column in new[] { "Heat", "Box", "Input" })
                    Assert.AreEqual(0, CamMaps.MaxDifference(expected.GetColumn<float[]>(column).ToArray(),
                        actual.GetColumn<float[]>(column).ToArray()), column);
                CollectionAssert.AreEqual(expected.GetColumn<uint>("Why").ToArray(), actual.GetColumn<uint>("Why").ToArray());
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void SaveLoad_InFreshProcess_GivesTheSameMaps()
    {
        string dir = TestData.TempDirectory();
        try
        {
            var ml = CamMaps.Ml;
            var fashion = TestData.FashionTest(ml, 12);
            var labels = CamTestModels.Labels(Enumerable.Range(0, 10).Select(d => d.ToString()).ToArray());
            using var classifier = CamTestModels.Cnn(CamTestModels.SmallGap, new ImageShape(1, 28, 28), labels, seed: 31, batchSize: 5);
            using var transformer = ml.Transforms.ClassActivationMaps(classifier, CamMethod.GradCamPlusPlus).Fit(fashion);
            string zip = Path.Combine(dir, "cam.zip");
            ml.Model.Save(transformer, fashion.Schema, zip);
            var expected = transformer.Transform(fashion).GetColumn<float[]>("ActivationMap").ToArray();
            var loaded = ModelProbeProcess.TransformFashionTest(zip, 12, "ActivationMap", dir);
            Assert.HasCount(12, loaded);
            for (int i = 0; i < expected.Length; i++)
                CollectionAssert.AreEqual(expected[i], loaded[i], $"row {i}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void Load_WithDamagedClassifierWeights_ThrowsNamingTheExplainedClassifier()
    {
        string dir = TestData.TempDirectory();
        try
        {
            using var classifier = CamTestModels.Cnn(CamTestModels.SmallGap, seed: 32);
            var data = CamMaps.Scenes(2);
            using var transformer = CamMaps.Ml.Transforms.ClassActivationMaps(classifier).Fit(data);
            string zip = Path.Combine(dir, "cam.zip"), damaged = Path.Combine(dir, "damaged.zip");
            CamMaps.Ml.Model.Save(transformer, data.Schema, zip);
            ModelZip.RewriteEntry(zip, damaged, e => e.EndsWith("Classifier/Network.bin", StringComparison.Ordinal),
                b => b[..(b.Length / 2)]);
            var e = Assert.ThrowsExactly<InvalidDataException>(() => new MLContext().Model.Load(damaged, out _).Transform(data));
            StringAssert.Contains(e.Message, "class activation map transform in this model zip is corrupt", ModelZip.Describe(e));
            StringAssert.Contains(e.Message, "the classifier the maps explain", ModelZip.Describe(e));
            StringAssert.Contains(e.Message, "Network.bin", ModelZip.Describe(e));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
