using MlNetTriplet.Evaluation;
using static TorchSharp.torch;

namespace MlNetTriplet.Tests.Explain;

[TestClass]
public sealed class CamReferenceTests
{
    [TestMethod]
    public void CamAndGradCam_OnTheTrainedSceneCnn_MatchPyTorchsMapsOfTheSameWeights()
    {
        var fixture = SceneFixture.Value;
        var data = fixture.Data(CamMaps.Ml);
        Assert.IsNotEmpty(fixture.Cases);
        foreach (var c in fixture.Cases)
        {
            var (maps, classes) = CamMaps.Run(fixture.Classifier, c.Options, data);
            var reference = fixture.Reference[c.Name].to_type(ScalarType.Float32);
            var referenceClasses = fixture.Reference[c.Name + ".classes"].to_type(ScalarType.Int64).data<long>().ToArray();
            Assert.HasCount(fixture.Images.Length, maps, c.Name);
            for (int i = 0; i < maps.Length; i++)
            {
                double pearson = LocalisationMetrics.Pearson(maps[i].Select(v => (double)v).ToArray(),
                    reference[i].flatten().data<float>().ToArray().Select(v => (double)v).ToArray());
                // The bar is 0.99; identical arithmetic in two libtorch builds agrees to float rounding.
                Assert.IsGreaterThan(0.999, pearson, $"{c.Name}, map {i}");
                Assert.AreEqual(referenceClasses[i], classes[i], $"{c.Name}, map {i}: explained class");
            }
        }
    }
}
