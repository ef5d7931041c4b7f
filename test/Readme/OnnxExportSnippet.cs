using Microsoft.ML;
using Microsoft.ML.Data;
// README:start
using Microsoft.ML.OnnxRuntime;           // NuGet Microsoft.ML.OnnxRuntime, to score the file here
using Microsoft.ML.OnnxRuntime.Tensors;
// README:end
using MlNetTriplet.Tests.Classification;

namespace MlNetTriplet.Tests.Readme;

/// <summary>The README's ONNX export block: ML.NET's ConvertToOnnx and this package's ExportToOnnx on the quick
/// start's pipeline, the file scored by ONNX Runtime.</summary>
[TestClass]
public sealed class OnnxExportSnippet
{
    [TestMethod]
    public void OnnxExportSnippet_WritesBothFilesAndOnnxRuntimePredictsAsTheModel()
    {
        var (ml, test) = (TrainedCnn.Context, TrainedCnn.Test);
        // As the quick start's model: the CNN, then its keys back to the labels.
        var scored = TrainedCnn.Model.Transform(test);
        var model = TrainedCnn.Model.Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(scored));
        string folder = TestData.TempDirectory();
        try
        {
            (uint Predicted, float Probability) answer = default;
            ReadmeSnippets.InFolder(folder, () =>
            {
                // README:start
                // ML.NET's own call converts the whole pipeline, the network included:
                using (var stream = File.Create("fashion-cnn.onnx"))
                    ml.Model.ConvertToOnnx(model, test, stream);

                // Ready to serve: inputs are only the columns the network needs (Features, not Label), outputs keep
                // their column names, the batch dimension is symbolic, class names and preprocessing are in metadata.
                OnnxModelInfo info;
                using (var stream = File.Create("fashion-cnn-serving.onnx"))
                    info = ml.Model.ExportToOnnx(model, test, stream);
                File.WriteAllText("fashion-cnn-serving.onnx.json", info.ToJson());   // inputs, outputs, preprocessing

                // Any ONNX runtime scores it; here ONNX Runtime from C#:
                float[] pixels = test.GetColumn<float[]>("Features").First();
                using var session = new InferenceSession("fashion-cnn-serving.onnx");
                using var results = session.Run([NamedOnnxValue.CreateFromTensor("Features", new DenseTensor<float>(pixels, [1, 784]))]);
                float[] score = results.First(r => r.Name == "Score").AsEnumerable<float>().ToArray();
                uint predicted = results.First(r => r.Name == "PredictedLabel").AsEnumerable<uint>().Single();
                Console.WriteLine($"label {predicted} with probability {score.Max():P1}");
                // README:end
                answer = (predicted, score.Max());
            });

            var expected = model.Transform(test);
            Assert.AreEqual(expected.GetColumn<uint>("PredictedLabel").First(), answer.Predicted);
            Assert.AreEqual(expected.GetColumn<float[]>("Score").First().Max(), answer.Probability, 1e-4);
            Assert.IsTrue(File.Exists(Path.Combine(folder, "fashion-cnn.onnx")));
            StringAssert.Contains(File.ReadAllText(Path.Combine(folder, "fashion-cnn-serving.onnx.json")), "\"preprocessing\"");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
