using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Explain;

[TestClass]
public sealed class ClassActivationMapInputErrorTests
{
    private static readonly Lazy<CnnClassifierTransformer> Gap = new(() => CamTestModels.Cnn(CamTestModels.SmallGap, seed: 40));
    private static readonly Lazy<CnnClassifierTransformer> Dense = new(() => CamTestModels.Cnn(CamTestModels.SmallDense, seed: 41));

    private static ArgumentException Refused(ITransformer classifier, ClassActivationMapOptions options) =>
        Assert.Throws<ArgumentException>(() => CamMaps.Ml.Transforms.ClassActivationMaps(classifier, options));

    [TestMethod]
    public void Cam_OnADenseHead_IsRefusedSuggestingGradCam()
    {
        var e = Refused(Dense.Value, new() { Method = CamMethod.Cam });
        StringAssert.Contains(e.Message, "global average pooling");
        StringAssert.Contains(e.Message, "CamMethod.GradCam");
        Assert.AreEqual("Method", e.ParamName);
    }

    [TestMethod]
    public void Cam_AtAnEarlierBlock_IsRefusedNamingTheLayer()
    {
        var e = Refused(Gap.Value, new() { Method = CamMethod.Cam, LayerName = "block0" });
        StringAssert.Contains(e.Message, "reads the last block (block1)");
        Assert.AreEqual("LayerName", e.ParamName);
    }

    [TestMethod]
    public void LayerName_NotABlock_IsRefusedListingTheBlocks()
    {
        var e = Refused(Gap.Value, new() { LayerName = "layer4" });
        StringAssert.Contains(e.Message, "'layer4'");
        StringAssert.Contains(e.Message, "block0, block1");
    }

    [TestMethod]
    public void Target_AClassTheClassifierLacks_IsRefusedListingItsClasses()
    {
        var e = Refused(Gap.Value, new() { Target = CamTarget.PredictedVersus("hexagon") });
        StringAssert.Contains(e.Message, "'hexagon'");
        StringAssert.Contains(e.Message, "'disc', 'square', 'triangle', 'cross'");
        Assert.ThrowsExactly<ArgumentException>(() => CamTarget.Class(" "));
    }

    [TestMethod]
    public void Options_OutOfRange_AreRefusedNamingTheOption()
    {
        (ClassActivationMapOptions Options, string Name)[] cases =
        [
            (new() { BoxThreshold = 0 }, "BoxThreshold"),
            (new() { BoxThreshold = 1 }, "BoxThreshold"),
            (new() { BatchSize = 0 }, "BatchSize"),
            (new() { OutputColumnName = " " }, "OutputColumnName"),
            (new() { BoxColumnName = "" }, "BoxColumnName"),
            (new() { PreparedImageColumnName = "ActivationMap" }, "PreparedImageColumnName"),
            (new() { Method = (CamMethod)42 }, "Method"),
            (new() { Target = null! }, "Target"),
        ];
        foreach (var (options, name) in cases)
        {
            var e = Assert.Throws<ArgumentException>(() => CamMaps.Ml.Transforms.ClassActivationMaps(Gap.Value, options));
            Assert.AreEqual(name, e.ParamName, e.Message);
            StringAssert.StartsWith(e.Message, $"Option ClassActivationMapOptions.{name} is ");
        }
    }

    [TestMethod]
    public void Classifier_NotOneOfThePackages_IsRefusedNamingWhatIsExplained()
    {
        var data = CamMaps.Scenes(2);
        var keys = CamMaps.Ml.Transforms.Conversion.MapValueToKey("Label").Fit(data);
        var e = Assert.ThrowsExactly<ArgumentException>(() => CamMaps.Ml.Transforms.ClassActivationMaps(keys));
        StringAssert.Contains(e.Message, "CnnClassifierTransformer or TransferLearningTransformer");
        Assert.AreEqual("classifier", e.ParamName);
    }

    [TestMethod]
    public void Data_WithoutTheClassifiersInputColumn_IsRefusedNamingIt()
    {
        var estimator = CamMaps.Ml.Transforms.ClassActivationMaps(Gap.Value);
        var data = CamMaps.Ml.Data.LoadFromEnumerable(new[] { new Other { Pixels = new float[ClutterScenes.Shape.Size] } });
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        StringAssert.Contains(e.Message, "'Features'");
    }

    [TestMethod]
    public void Rows_WithTheWrongSizeOrNotFinite_AreRefusedNamingColumnAndRow()
    {
        var estimator = CamMaps.Ml.Transforms.ClassActivationMaps(Gap.Value);
        var small = CamMaps.Ml.Data.LoadFromEnumerable(new[] { new Small() });
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.Fit(small));
        StringAssert.Contains(e.Message, "'Features'");
        var bad = ClutterScenes.Generate(3, 1);
        bad[2].Pixels[17] = float.NaN;
        using var transformer = estimator.Fit(CamMaps.Scenes(1));
        var nan = Assert.ThrowsExactly<InvalidDataException>(() =>
            transformer.Transform(ClutterScenes.ToDataView(CamMaps.Ml, bad)).GetColumn<float[]>("ActivationMap").ToArray());
        StringAssert.Contains(nan.Message, "Row 2");
        StringAssert.Contains(nan.Message, "slot 17");
    }

    private sealed class Other
    {
        [VectorType(3 * 48 * 48)] public float[] Pixels { get; set; } = [];
    }

    private sealed class Small
    {
        [VectorType(10)] public float[] Features { get; set; } = new float[10];
    }
}
