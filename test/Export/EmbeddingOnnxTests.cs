using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Tests.Embeddings;
using static MlNetTriplet.Tests.Export.OnnxRuntimeRun;

namespace MlNetTriplet.Tests.Export;

/// <summary>Triplet embeddings (the semi-hard CNN recipe shared with the embedding tests, and an MLP) trained on real
/// Fashion-MNIST rows, exported and run by ONNX Runtime: the same L2-normalised embeddings within 1e-4.</summary>
[TestClass]
public sealed class EmbeddingOnnxTests
{
    [TestMethod]
    public void ExportToOnnx_CnnTripletEmbedding_EmbeddingsAgreeAndHaveUnitNorm()
    {
        var ml = TrainedEmbedding.Context;
        var test = TrainedEmbedding.Test;
        var expected = OnnxFiles.Flat(TrainedEmbedding.Model.Transform(test).GetColumn<float[]>("Embedding"));
        var pixels = OnnxFiles.Flat(test.GetColumn<float[]>("Features"));
        int rows = TrainedEmbedding.TestRows;

        var (model, info) = OnnxFiles.Export(ml, TrainedEmbedding.Model, test);
        Assert.AreEqual("Features", info.Inputs.Single().Name);
        Assert.AreEqual("Embedding", info.Outputs.Single().Name);
        Assert.IsNull(info.ClassNames);
        StringAssert.Contains(info.Preprocessing, "unit norm");
        var embedding = (float[])Run(model, [Floats("Features", pixels, rows, 784)])["Embedding"];
        Differences.AssertWithin(expected, embedding, 1e-4, "CNN triplet Embedding, ExportToOnnx");
        int size = expected.Length / rows;
        for (int r = 0; r < rows; r++)
            Assert.AreEqual(1.0, Math.Sqrt(embedding.AsSpan(r * size, size).ToArray().Sum(v => (double)v * v)), 1e-5, $"row {r} norm");

        var (network, _) = OnnxFiles.ExportNetwork(ml, TrainedEmbedding.Model);
        Differences.AssertWithin(expected, (float[])Run(network, [Floats("Features", pixels, rows, 1, 28, 28)])["Embedding"], 1e-4,
            "CNN triplet Embedding, ExportNetworkToOnnx");

        byte[] converted = OnnxFiles.Convert(ml, TrainedEmbedding.Model, test);
        CollectionAssert.AreEquivalent(new[] { "Label", "Features" }, OnnxFiles.Inputs(converted).Keys.ToList());
        var outputs = Run(converted, [Floats("Features", pixels, rows, 784), UInts("Label", test.GetColumn<uint>("Label").ToArray(), rows, 1)]);
        Differences.AssertWithin(expected, (float[])outputs["Embedding.output"], 1e-4, "CNN triplet Embedding, ML.NET ConvertToOnnx");
        OnnxChecker.AssertValid(model, network);
    }

    [TestMethod]
    public void ExportToOnnx_MlpTripletEmbeddingWithBatchNormOnTheEmbedding_EmbeddingsAgree()
    {
        var ml = new MLContext(seed: 3);
        var train = TestData.FashionTrain(ml, 1000);
        var test = TestData.FashionTest(ml, 300);
        var options = new TripletEmbeddingOptions
        {
            Mlp = new MlpArchitecture { HiddenLayers = [64], BatchNorm = true, HiddenDropout = 0.1f },
            EmbeddingSize = 16, EmbeddingBatchNorm = true, NumberOfEpochs = 1,
        };
        var model = TrainedEmbedding.Pipeline(ml, options).Fit(train);
        var expected = OnnxFiles.Flat(model.Transform(test).GetColumn<float[]>("Embedding"));

        var (onnx, info) = OnnxFiles.Export(ml, model, test);
        CollectionAssert.AreEqual(new long[] { -1, 784 }, info.Inputs.Single().Shape.ToArray());
        var actual = (float[])Run(onnx, [Floats("Features", OnnxFiles.Flat(test.GetColumn<float[]>("Features")), 300, 784)])["Embedding"];
        Differences.AssertWithin(expected, actual, 1e-4, "MLP triplet Embedding");
        OnnxChecker.AssertValid(onnx);
    }
}
