using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Tests.Classification;
using static MlNetTriplet.Tests.Export.OnnxRuntimeRun;

namespace MlNetTriplet.Tests.Export;

/// <summary>The CNN classifier trained on real Fashion-MNIST rows (shared with the classification tests), converted by
/// ML.NET's own ConvertToOnnx and by this package's exports, scored by ONNX Runtime and by ML.NET's ApplyOnnxModel
/// on 1,000 test images: the same probabilities within 1e-4 and the same class on every row.</summary>
[TestClass]
public sealed class CnnOnnxTests
{
    private static MLContext Ml => TrainedCnn.Context;
    private static IDataView Test => TrainedCnn.Test;

    private static readonly Lazy<(float[] Pixels, uint[] Labels, float[] Scores, uint[] Predicted)> Expected = new(() =>
    {
        var scored = TrainedCnn.Model.Transform(Test);
        return (OnnxFiles.Flat(Test.GetColumn<float[]>("Features")), Test.GetColumn<uint>("Label").ToArray(),
            OnnxFiles.Flat(scored.GetColumn<float[]>("Score")), scored.GetColumn<uint>("PredictedLabel").ToArray());
    });

    private static int Rows => Expected.Value.Labels.Length;

    [TestMethod]
    public void ConvertToOnnx_MlNetsOwnCall_GraphHoldsTheNetworkAndTakesOnlyTheDataColumns()
    {
        byte[] model = OnnxFiles.Convert(Ml, TrainedCnn.Model, Test);

        // Before: the graph took Score and PredictedLabel as inputs and copied them out. ML.NET declares every column
        // of the data it is given as an input; the network's own columns are computed inside.
        CollectionAssert.AreEquivalent(new[] { "Label", "Features" }, OnnxFiles.Inputs(model).Keys.ToList());
        var nodes = OnnxFiles.NodeTypes(model);
        Assert.AreEqual(2, nodes.Count(n => n == "Conv"), string.Join(", ", nodes));
        CollectionAssert.IsSubsetOf(new[] { "Gemm", "Softmax", "ArgMax" }, nodes);

        var (pixels, labels, scores, predicted) = Expected.Value;
        var outputs = Run(model, [Floats("Features", pixels, Rows, 784),
            UInts("Label", labels, Rows, 1)]);
        Differences.AssertWithin(scores, (float[])outputs["Score.output"], 1e-4, "CNN Score, ML.NET ConvertToOnnx");
        CollectionAssert.AreEqual(predicted, (uint[])outputs["PredictedLabel.output"]);
    }

    [TestMethod]
    public void ExportToOnnx_CnnPipeline_InputIsExactlyTheFeaturesAndOrtAndApplyOnnxModelAgree()
    {
        var (model, info) = OnnxFiles.Export(Ml, TrainedCnn.Model, Test);

        Assert.AreEqual("Features", info.Inputs.Single().Name, "the label column is not needed to score");
        CollectionAssert.AreEqual(new long[] { -1, 784 }, info.Inputs[0].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { "Score", "PredictedLabel" }, info.Outputs.Select(o => o.Name).ToArray());
        Assert.AreEqual("uint32", info.Outputs[1].ElementType);
        CollectionAssert.AreEqual(Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
            info.ClassNames!.ToArray());
        Assert.AreEqual(12, info.OpSetVersion);
        CollectionAssert.AreEqual(new[] { -1, 784 }, OnnxFiles.Inputs(model)["Features"]);

        var (pixels, _, scores, predicted) = Expected.Value;
        var outputs = Run(model, [Floats("Features", pixels, Rows, 784)]);
        Differences.AssertWithin(scores, (float[])outputs["Score"], 1e-4, "CNN Score, ExportToOnnx, ONNX Runtime");
        CollectionAssert.AreEqual(predicted, (uint[])outputs["PredictedLabel"]);

        string path = OnnxFiles.WriteTemporary(model);
        try
        {
            var applied = Ml.Transforms.ApplyOnnxModel(path).Fit(Test).Transform(Test);
            Differences.AssertWithin(scores, OnnxFiles.Flat(applied.GetColumn<float[]>("Score")), 1e-4, "CNN Score, ApplyOnnxModel");
            CollectionAssert.AreEqual(predicted, applied.GetColumn<uint[]>("PredictedLabel").Select(p => p.Single()).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
        OnnxChecker.AssertValid(model);
    }

    [TestMethod]
    public void ExportToOnnx_EndingInMapKeyToValue_PredictedLabelHoldsTheLabelValues()
    {
        var scored = TrainedCnn.Model.Transform(Test);
        var withValues = TrainedCnn.Model.Append(Ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(scored));
        var (model, info) = OnnxFiles.Export(Ml, withValues, Test);
        Assert.AreEqual("Features", info.Inputs.Single().Name);
        var outputs = Run(model, [Floats("Features", Expected.Value.Pixels, Rows, 784)]);
        var expected = withValues.Transform(Test).GetColumn<uint>("PredictedLabel").ToArray();
        CollectionAssert.AreEqual(expected, (uint[])outputs["PredictedLabel"]);
        OnnxChecker.AssertValid(model);
    }

    [TestMethod]
    public void ExportNetworkToOnnx_Cnn_TakesImageTensorsAndAgrees()
    {
        var (model, info) = OnnxFiles.ExportNetwork(Ml, TrainedCnn.Model);
        CollectionAssert.AreEqual(new long[] { -1, 1, 28, 28 }, info.Inputs.Single().Shape.ToArray());
        StringAssert.Contains(info.Preprocessing, "1 x 28 x 28");
        var (pixels, _, scores, predicted) = Expected.Value;
        var outputs = Run(model, [Floats("Features", pixels, Rows, 1, 28, 28)]);
        Differences.AssertWithin(scores, (float[])outputs["Score"], 1e-4, "CNN Score, ExportNetworkToOnnx");
        CollectionAssert.AreEqual(predicted, (uint[])outputs["PredictedLabel"]);

        // ML.NET's ApplyOnnxModel feeds the 784-value vector column to the [N, 1, 28, 28] input.
        string path = OnnxFiles.WriteTemporary(model);
        try
        {
            var applied = Ml.Transforms.ApplyOnnxModel(path).Fit(Test).Transform(Test);
            Differences.AssertWithin(scores, OnnxFiles.Flat(applied.GetColumn<float[]>("Score")), 1e-4, "CNN Score, network alone, ApplyOnnxModel");
        }
        finally
        {
            File.Delete(path);
        }
        OnnxChecker.AssertValid(model);
    }

    [TestMethod]
    [DataRow(9)]
    [DataRow(10)]
    [DataRow(11)]
    [DataRow(12)]
    public void ConvertAndExport_EachOpsetMlNetWrites_Agree(int opset)
    {
        var (pixels, labels, scores, predicted) = Expected.Value;
        byte[] converted = OnnxFiles.Convert(Ml, TrainedCnn.Model, Test, opset);
        var outputs = Run(converted, [Floats("Features", pixels, Rows, 784), UInts("Label", labels, Rows, 1)]);
        Differences.AssertWithin(scores, (float[])outputs["Score.output"], 1e-4, $"CNN Score, ConvertToOnnx opset {opset}");

        var (exported, info) = OnnxFiles.Export(Ml, TrainedCnn.Model, Test, new OnnxExportOptions { OpSetVersion = opset });
        Assert.AreEqual(opset, info.OpSetVersion);
        outputs = Run(exported, [Floats("Features", pixels, Rows, 784)]);
        Differences.AssertWithin(scores, (float[])outputs["Score"], 1e-4, $"CNN Score, ExportToOnnx opset {opset}");
        CollectionAssert.AreEqual(predicted, (uint[])outputs["PredictedLabel"]);
        OnnxChecker.AssertValid(exported);
    }

    [TestMethod]
    public void ExportToOnnx_CnnWithBatchNormAveragePoolingSamePaddingGeluAndGlobalPoolHead_Agrees()
    {
        var ml = new MLContext(seed: 2);
        var train = TestData.FashionTrain(ml, 1000);
        var model = TrainedCnn.Pipeline(ml, new CnnClassifierTrainer.Options
        {
            NumberOfEpochs = 1,
            Architecture = new CnnArchitecture
            {
                Blocks =
                [
                    new ConvBlock { Filters = 8, BatchNorm = true, Activation = Activation.Gelu, Dropout = 0.1f },
                    new ConvBlock { Filters = 12, KernelSize = 4, SamePadding = true, BatchNorm = true, Pooling = Pooling.Average },
                ],
                Head = CnnHead.GlobalAveragePool,
            },
        }).Fit(train);
        var test = TestData.FashionTest(ml, 500);
        var scored = model.Transform(test);
        var (onnx, _) = OnnxFiles.Export(ml, model, test);
        var outputs = Run(onnx, [Floats("Features", OnnxFiles.Flat(test.GetColumn<float[]>("Features")), 500, 784)]);
        Differences.AssertWithin(OnnxFiles.Flat(scored.GetColumn<float[]>("Score")), (float[])outputs["Score"], 1e-4,
            "CNN (batch norm, GELU, same padding, GAP head) Score");
        CollectionAssert.AreEqual(scored.GetColumn<uint>("PredictedLabel").ToArray(), (uint[])outputs["PredictedLabel"]);
        OnnxChecker.AssertValid(onnx);
    }
}
