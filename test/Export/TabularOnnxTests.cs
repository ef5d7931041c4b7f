using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MlNetTriplet.Tests.Tabular;
using static MlNetTriplet.Tests.Export.OnnxRuntimeRun;

namespace MlNetTriplet.Tests.Export;

/// <summary>The tabular networks behind ML.NET's own featurizers (mapping, one-hot, standardisation, concatenation) on
/// the real bank-marketing file, and a multiclass network on Fashion-MNIST pixels: the whole pipeline exported, raw
/// columns in, the same scores out.</summary>
[TestClass]
public sealed class TabularOnnxTests
{
    [TestMethod]
    public void ExportToOnnx_BankPipelineWithMlNetFeaturizers_TakesTheRawColumnsAndAgrees()
    {
        var ml = TrainedBankNetwork.Context;
        var data = TrainedBankNetwork.Validation;
        var scored = TrainedBankNetwork.Model.Transform(data);

        var (model, info) = OnnxFiles.Export(ml, TrainedBankNetwork.Model, data);
        var expectedInputs = BankData.Numeric.Concat(BankData.YesNo).Concat(BankData.Categorical).ToList();
        CollectionAssert.AreEquivalent(expectedInputs, info.Inputs.Select(i => i.Name).ToList(),
            "the raw columns the features are made of; not the target");
        CollectionAssert.AreEqual(new[] { "Score", "Probability", "PredictedLabel" }, info.Outputs.Select(o => o.Name).ToArray());
        Assert.AreEqual("bool", info.Outputs[2].ElementType);

        int rows = (int)data.GetRowCount()!.Value;
        var inputs = info.Inputs.Select(input => input.ElementType == "string"
            ? Strings(input.Name, data.GetColumn<string>(input.Name).ToArray(), rows, 1)
            : Floats(input.Name, data.GetColumn<float>(input.Name).ToArray(), rows, 1)).ToList();
        var outputs = Run(model, inputs);
        Differences.AssertWithin(scored.GetColumn<float>("Score").ToArray(), (float[])outputs["Score"], 1e-4, "bank Score (logit)");
        Differences.AssertWithin(scored.GetColumn<float>("Probability").ToArray(), (float[])outputs["Probability"], 1e-4, "bank Probability");
        CollectionAssert.AreEqual(scored.GetColumn<bool>("PredictedLabel").ToArray(), (bool[])outputs["PredictedLabel"]);

        string path = OnnxFiles.WriteTemporary(model);
        try
        {
            var applied = ml.Transforms.ApplyOnnxModel(path).Fit(data).Transform(data);
            Differences.AssertWithin(scored.GetColumn<float>("Probability").ToArray(),
                applied.GetColumn<float[]>("Probability").Select(p => p.Single()).ToArray(), 1e-4, "bank Probability, ApplyOnnxModel");
        }
        finally
        {
            File.Delete(path);
        }
        OnnxChecker.AssertValid(model);
    }

    [TestMethod]
    public void ExportToOnnx_MulticlassNetworkOnPixels_Agrees()
    {
        var ml = new MLContext(seed: 4);
        var train = TestData.FashionTrain(ml, 1000);
        var test = TestData.FashionTest(ml, 300);
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkMulticlassTrainer.Options
            {
                NumberOfEpochs = 1, Architecture = new MlpArchitecture { HiddenLayers = [32], BatchNorm = true },
            })).Fit(train);
        var scored = model.Transform(test);
        var (onnx, info) = OnnxFiles.Export(ml, model, test);
        Assert.AreEqual(10, info.ClassNames!.Count);
        var outputs = Run(onnx, [Floats("Features", OnnxFiles.Flat(test.GetColumn<float[]>("Features")), 300, 784)]);
        Differences.AssertWithin(OnnxFiles.Flat(scored.GetColumn<float[]>("Score")), (float[])outputs["Score"], 1e-4,
            "multiclass network Score");
        CollectionAssert.AreEqual(scored.GetColumn<uint>("PredictedLabel").ToArray(), (uint[])outputs["PredictedLabel"]);
        OnnxChecker.AssertValid(onnx);
    }
}
