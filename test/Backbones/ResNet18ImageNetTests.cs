using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using MlNetTriplet.Backbones;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MlNetTriplet.Tests.Backbones;

/// <summary>The ImageNet ResNet-18 of Microsoft.ML.DnnImageFeaturizer.ResNet18 (referenced by this project, so its
/// build copies the .onnx files next to the tests) read into our TorchSharp ResNet.</summary>
[TestClass]
public sealed class ResNet18ImageNetTests
{
    private static readonly Lazy<BackboneModule> Network = new(() =>
    {
        var module = BackboneModule.Load(PretrainedBackbone.ResNet18ImageNet());
        module.eval();
        return module;
    });

    [TestMethod]
    public void Load_OnRealPhotos_PooledFeaturesMatchOnnxRuntime()
    {
        var backbone = PretrainedBackbone.ResNet18ImageNet();
        float[] ours;
        using (no_grad())
        using (var batch = BackbonePhotos.Batch())
        using (var maps = Network.Value.forward(batch))
        using (var pooled = maps.mean([2, 3]))
            ours = pooled.data<float>().ToArray();

        // As ML.NET's DnnImageFeaturizer runs it: RGB pixels 0-255, then the preprocessing graph, then the network.
        using var preprocess = new InferenceSession(backbone.PreprocessingPath!);
        using var network = new InferenceSession(backbone.WeightsPath);
        double maxDifference = 0;
        for (int n = 0; n < BackbonePhotos.Paths.Length; n++)
        {
            var pixels = new DenseTensor(BackbonePhotos.Rgb(BackbonePhotos.Paths[n]).Select(b => (float)b).ToArray(), [1, 3, 224, 224]);
            using var prepared = preprocess.Run([NamedOnnxValue.CreateFromTensor("OriginalInput", pixels)]);
            var input = prepared.First(v => v.Name == "PreprocessedInput").AsTensor<float>();
            using var output = network.Run([NamedOnnxValue.CreateFromTensor("Input247", input)]);
            float[] expected = output.First(v => v.Name == "Pooling395_Output_0").AsEnumerable<float>().ToArray();
            Assert.AreEqual(512, expected.Length);
            for (int c = 0; c < 512; c++)
                maxDifference = Math.Max(maxDifference, Math.Abs(expected[c] - ours[n * 512 + c]));
        }
        Console.WriteLine($"max |ours - ONNX Runtime| over {BackbonePhotos.Paths.Length} photos x 512 features: {maxDifference:E2}");
        Assert.IsTrue(maxDifference <= 1e-4, $"max difference {maxDifference}");
        Assert.IsTrue(ours.Max() > 1f, "features should not be all near zero");
    }

    [TestMethod]
    public void Create_FromItsSpec_ThenModuleLoad_RestoresTheNetworkWithItsMeanImage()
    {
        var saved = new MemoryStream();
        Network.Value.save(saved);
        using var restored = BackboneModule.Create(Network.Value.Spec);
        restored.load(new MemoryStream(saved.ToArray()));
        restored.eval();
        using var noGrad = no_grad();
        using var batch = BackbonePhotos.Batch();
        using var expected = Network.Value.forward(batch);
        using var actual = restored.forward(batch);
        Assert.IsTrue(BackboneTensors.Same(expected, actual));
    }

    [TestMethod]
    public void ResNet18ImageNet_WithoutTheFeaturizerPackage_NamesThePackageReferenceToAdd()
    {
        string empty = TestData.TempDirectory();
        try
        {
            var e = Assert.ThrowsExactly<FileNotFoundException>(() => PretrainedBackbone.ResNet18ImageNet(null, null, empty));
            StringAssert.Contains(e.Message, "<PackageReference Include=\"Microsoft.ML.DnnImageFeaturizer.ResNet18\" Version=\"0.23.1\" />");
            StringAssert.Contains(e.Message, Path.Combine(empty, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx"));
            StringAssert.Contains(e.Message, "onnxModelPath");
        }
        finally
        {
            Directory.Delete(empty, true);
        }
    }

    [TestMethod]
    public void ResNet18ImageNet_WithAMissingPath_NamesThePath()
    {
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => PretrainedBackbone.ResNet18ImageNet("/nowhere/ResNet18.onnx"));
        StringAssert.Contains(e.Message, "onnxModelPath '/nowhere/ResNet18.onnx' does not exist");
    }

    [TestMethod]
    public void ResNet18ImageNet_WithTheModelPathOnly_FindsThePreprocessingBesideIt()
    {
        var found = PretrainedBackbone.ResNet18ImageNet();
        var given = PretrainedBackbone.ResNet18ImageNet(found.WeightsPath);
        Assert.AreEqual(Path.GetFullPath(found.PreprocessingPath!), Path.GetFullPath(given.PreprocessingPath!));
        Assert.AreEqual(BackboneArchitecture.ResNet18Cntk, given.Architecture);
        Assert.AreEqual(224, given.ImageSize);
    }

    [TestMethod]
    public void Forward_WithAnImageOtherThan224_ThrowsNamingTheRequiredSize()
    {
        using var image = rand(1, 3, 256, 256);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Network.Value.forward(image));
        StringAssert.Contains(e.Message, "224 x 224 (exactly");
        StringAssert.Contains(e.Message, "[1, 3, 256, 256]");
    }

    [TestMethod]
    public void ExportTorchVisionStateDict_OfTheCntkNetwork_HoldsTheWeightsAndPreprocessing()
    {
        string directory = TestData.TempDirectory();
        try
        {
            string path = Path.Combine(directory, "resnet18-cntk.pt");
            Network.Value.ExportTorchVisionStateDict(path);

            var exported = PyTorchUnpickler.UnpickleStateDict(path);
            var state = Network.Value.state_dict();
            Assert.AreEqual(110 + 22, exported.Count, "110 ONNX initializers and 22 batch-norm step counters");
            foreach (var (name, tensor) in state.Where(e => !e.Key.StartsWith("normalize.", StringComparison.Ordinal)))
                Assert.IsTrue(BackboneTensors.Same((Tensor)exported[name]!, tensor), name);

            var preprocessing = PyTorchUnpickler.UnpickleStateDict(BackboneModule.PreprocessingPath(path));
            Assert.IsTrue(BackboneTensors.Same((Tensor)preprocessing["mean"]!, state["normalize.mean"]));
            CollectionAssert.AreEqual(new long[] { 2, 1, 0 }, ((Tensor)preprocessing["channel_order"]!).data<long>().ToArray());
            Assert.AreEqual(255f, ((Tensor)preprocessing["input_scale"]!).item<float>());
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }
}
