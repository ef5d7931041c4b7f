using System.Collections;
using MlNetTriplet.Backbones;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MlNetTriplet.Tests.Backbones;

/// <summary>Users' own torchvision weights: state_dict files written here by TorchSharp and PyBridge (no Python).</summary>
[TestClass]
public sealed class WeightFileTests
{
    private static string _directory = "";

    [ClassInitialize]
    public static void MakeDirectory(TestContext _) => _directory = TestData.TempDirectory();

    [ClassCleanup]
    public static void DeleteDirectory() => Directory.Delete(_directory, true);

    /// <summary>A torchvision resnet18 with its classifier and batch-norm statistics that matter (but leave features).</summary>
    private static TorchSharp.Modules.ResNet ResNet18WithStatistics()
    {
        var network = torchvision.models.resnet18();
        using (no_grad())
            foreach (var (name, statistic) in network.state_dict().Where(e => e.Key.Contains("running_")))
                _ = name.EndsWith("mean", StringComparison.Ordinal) ? statistic.uniform_(-0.1, 0.1) : statistic.uniform_(0.5, 1.5);
        return network;
    }

    /// <summary>Saves <paramref name="network"/>'s state_dict in the format of <paramref name="extension"/>.</summary>
    private static string Save(nn.Module network, string extension)
    {
        string path = Path.Combine(_directory, $"resnet18-{Guid.NewGuid():N}{extension}");
        _ = extension switch
        {
            ".safetensors" => network.save_safetensors(path),
            ".dat" => network.save(path),
            _ => network.save_py(path),
        };
        return path;
    }

    /// <summary>Saves <paramref name="state"/> as safetensors; returns where, and why it does not load as
    /// <paramref name="architecture"/>.</summary>
    private static (string Path, string Message) Misfit(BackboneArchitecture architecture, IDictionary<string, Tensor> state)
    {
        string path = Path.Combine(_directory, $"misfit-{Guid.NewGuid():N}.safetensors");
        Safetensors.SaveStateDict(path, new Dictionary<string, Tensor>(state));
        var backbone = PretrainedBackbone.FromFile(architecture, path);
        return (path, Assert.ThrowsExactly<InvalidDataException>(() => BackboneModule.Load(backbone)).Message);
    }

    private static void ContainsAll(string message, params string[] parts)
    {
        foreach (string part in parts)
            StringAssert.Contains(message, part);
    }

    private static string SavedResNet18(string extension)
    {
        using var network = ResNet18WithStatistics();
        return Save(network, extension);
    }

    [TestMethod]
    [DataRow(".pth")]
    [DataRow(".safetensors")]
    [DataRow(".dat")]
    public void Load_ATorchVisionResNet18File_GivesItsWeightsAndFeatures(string extension)
    {
        using var reference = ResNet18WithStatistics();
        string path = Save(reference, extension);
        var backbone = PretrainedBackbone.FromFile(BackboneArchitecture.ResNet18, path);
        Assert.AreEqual($"resnet18 ({Path.GetFileName(path)})", backbone.Name);
        using var module = BackboneModule.Load(backbone);
        var loaded = module.state_dict();
        foreach (var (name, tensor) in reference.state_dict().Where(e => !e.Key.StartsWith("fc.", StringComparison.Ordinal)))
            Assert.IsTrue(BackboneTensors.Same(tensor, loaded[name]), name);

        // The features are torchvision's: normalise with ImageNet's mean/std, then the network without its head.
        module.eval();
        using var noGrad = no_grad();
        using var image = rand(2, 3, 64, 64);
        using var mean = tensor(new[] { 0.485f, 0.456f, 0.406f }, [1, 3, 1, 1]);
        using var std = tensor(new[] { 0.229f, 0.224f, 0.225f }, [1, 3, 1, 1]);
        reference.eval();
        var parts = reference.named_children().ToDictionary(c => c.name, c => (nn.Module<Tensor, Tensor>)c.module);
        var x = (image - mean) / std;
        foreach (var part in new[] { "conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4" })
            x = parts[part].call(x);
        using var ours = module.forward(image);
        // The backbone runs channels-last on the CPU (oneDNN's other convolution kernels): float rounding, not more.
        double difference = BackboneTensors.MaxDifference(x, ours);
        Assert.IsTrue(difference < 1e-4, $"max difference {difference}");
        using var largest = ours.max();
        Assert.IsTrue(largest.item<float>() > 0.1f, "features should not all be zero");
    }

    [TestMethod]
    public void Load_AResNet18FileAsResNet50_ListsMissingAndMisShapedTensorsBeforeRunning()
    {
        using var network = ResNet18WithStatistics();
        var (path, message) = Misfit(BackboneArchitecture.ResNet50, network.state_dict());
        ContainsAll(message,
            $"'{path}' do not fit ResNet50 (torchvision resnet50)",
            "165 missing, 0 unexpected, 23 mis-shaped tensors",
            "Missing: layer1.0.conv3.weight [256, 64, 1, 1]; layer1.0.bn3.weight [256];",
            "Mis-shaped: layer1.0.conv1.weight expected [64, 64, 1, 1], found [64, 64, 3, 3];",
            "(and 18 more).");
    }

    [TestMethod]
    public void Load_WithARenamedAndAReshapedTensor_NamesBoth()
    {
        using var network = ResNet18WithStatistics();
        var state = network.state_dict();
        var edited = new Dictionary<string, Tensor>(state);
        edited["layer3.1.conv_2.weight"] = edited["layer3.1.conv2.weight"];
        edited.Remove("layer3.1.conv2.weight");
        using var reshaped = ones(32);
        edited["bn1.weight"] = reshaped;
        string message = Misfit(BackboneArchitecture.ResNet18, edited).Message;
        ContainsAll(message,
            "1 missing, 1 unexpected, 1 mis-shaped",
            "Missing: layer3.1.conv2.weight [256, 256, 3, 3].",
            "Unexpected: layer3.1.conv_2.weight [256, 256, 3, 3].",
            "Mis-shaped: bn1.weight expected [64], found [32].");
    }

    [TestMethod]
    public void Load_NamesWithAWrapperPrefix_SaysSo()
    {
        using var network = ResNet18WithStatistics();
        string message = Misfit(BackboneArchitecture.ResNet18, network.state_dict().ToDictionary(e => "module." + e.Key, e => e.Value)).Message;
        StringAssert.Contains(message, "All its names start with 'module.'");
    }

    [TestMethod]
    public void Load_ACheckpointNestingTheStateDict_ReadsTheNestedTensors()
    {
        using var conv1 = zeros(64, 3, 7, 7);
        string nested = Path.Combine(_directory, "checkpoint.pth"), flat = Path.Combine(_directory, "flat.pth");
        PyTorchPickler.PickleStateDict(nested, new Hashtable { ["state_dict"] = new Hashtable { ["conv1.weight"] = conv1 }, ["epoch"] = 7 });
        PyTorchPickler.PickleStateDict(flat, new Hashtable { ["conv1.weight"] = conv1, ["epoch"] = 7 });

        var unwrapped = Assert.ThrowsExactly<InvalidDataException>(() =>
            BackboneModule.Load(PretrainedBackbone.FromFile(BackboneArchitecture.ResNet18, nested)));
        StringAssert.Contains(unwrapped.Message, "99 missing, 0 unexpected, 0 mis-shaped", "conv1.weight was found inside state_dict");
        var notTensor = Assert.ThrowsExactly<InvalidDataException>(() =>
            BackboneModule.Load(PretrainedBackbone.FromFile(BackboneArchitecture.ResNet18, flat)));
        StringAssert.Contains(notTensor.Message, $"'{flat}'");
        StringAssert.Contains(notTensor.Message, "entry 'epoch' is a Int32, not a tensor");
    }

    [TestMethod]
    [DataRow(".pth")]
    [DataRow(".safetensors")]
    [DataRow(".dat")]
    public void Load_ATruncatedFile_NamesTheFile(string extension)
    {
        using var small = nn.Conv2d(3, 64, 7);
        string path = Save(small, extension);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var backbone = PretrainedBackbone.FromFile(BackboneArchitecture.ResNet18, path);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => BackboneModule.Load(backbone));
        StringAssert.Contains(e.Message, $"Cannot read weights file '{path}'");
    }

    [TestMethod]
    public void Load_TorchSharpFileWith4KBFlipped_RefusedAsDamaged()
    {
        // TorchSharp's format has no checksum: the reader sees well-formed tensors, with 1,024 weights of a convolution
        // whose bits are all flipped.
        using var network = ResNet18WithStatistics();
        string path = Save(network, ".dat");
        byte[] bytes = File.ReadAllBytes(path);
        byte[] name = System.Text.Encoding.UTF8.GetBytes("layer3.0.conv1.weight");
        int at = bytes.AsSpan().IndexOf(name) + name.Length + 64;
        for (int i = at; i < at + 4096; i++)
            bytes[i] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => BackboneModule.Load(PretrainedBackbone.FromFile(BackboneArchitecture.ResNet18, path)));
        StringAssert.Contains(e.Message, $"The weights in '{path}' hold values no trained network has: layer3.0.conv1.weight holds a value of magnitude");
        StringAssert.Contains(e.Message, "The file is damaged");
    }

    [TestMethod]
    public void Load_NegativeRunningVariance_RefusedNamingTheTensor()
    {
        using var network = ResNet18WithStatistics();
        var state = network.state_dict().ToDictionary(e => e.Key, e => e.Value);
        using (no_grad())
            state["layer1.1.bn2.running_var"][3] = -0.5f;
        string path = Path.Combine(_directory, "negative.safetensors");
        Safetensors.SaveStateDict(path, state);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => BackboneModule.Load(PretrainedBackbone.FromFile(BackboneArchitecture.ResNet18, path)));
        StringAssert.Contains(e.Message, "layer1.1.bn2.running_var holds a negative variance");
    }

    [TestMethod]
    public void Load_NaNInAWeight_RefusedNamingTheTensor()
    {
        using var network = ResNet18WithStatistics();
        var state = network.state_dict().ToDictionary(e => e.Key, e => e.Value);
        using (no_grad())
            state["layer2.0.conv1.weight"][0, 0, 0, 0] = float.NaN;
        string path = Path.Combine(_directory, "nan.safetensors");
        Safetensors.SaveStateDict(path, state);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => BackboneModule.Load(PretrainedBackbone.FromFile(BackboneArchitecture.ResNet18, path)));
        StringAssert.Contains(e.Message, "layer2.0.conv1.weight holds NaN or infinite values");
    }

    [TestMethod]
    public void Load_PyTorchFileWithFlippedBytes_SaysDamagedOrNotAPyTorchCheckpoint()
    {
        using var network = ResNet18WithStatistics();
        string path = Save(network, ".pth");
        byte[] bytes = File.ReadAllBytes(path);
        for (int i = 0; i < 4096; i++)   // the zip headers: "unsupported compression method" from the reader alone
            bytes[i] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => BackboneModule.Load(PretrainedBackbone.FromFile(BackboneArchitecture.ResNet18, path)));
        StringAssert.Contains(e.Message, $"Cannot read weights file '{path}': it is damaged or not a PyTorch checkpoint");
    }

    [TestMethod]
    public void Load_HalfPrecisionWeights_ConvertsThemToFloat()
    {
        using var network = ResNet18WithStatistics();
        var state = network.state_dict();
        string path = Path.Combine(_directory, "half.safetensors");
        Safetensors.SaveStateDict(path, state.ToDictionary(e => e.Key, e => e.Value.is_floating_point() ? e.Value.half() : e.Value));
        using var module = BackboneModule.Load(PretrainedBackbone.FromFile(BackboneArchitecture.ResNet18, path));
        var conv = module.state_dict()["conv1.weight"];
        Assert.AreEqual(ScalarType.Float32, conv.dtype);
        Assert.IsTrue(BackboneTensors.MaxDifference(conv, state["conv1.weight"]) < 1e-3);
    }

    [TestMethod]
    [DataRow(BackboneArchitecture.ResNet50, "fc")]
    [DataRow(BackboneArchitecture.Vgg16, "classifier.6")]
    [DataRow(BackboneArchitecture.MobileNetV2, "classifier.1")]
    public void Load_AGeneratedFileWithItsClassifier_GivesTheSameFeatures(BackboneArchitecture architecture, string head)
    {
        using var original = BackboneModule.Create(new BackboneSpec("original", architecture, BackbonePreprocessing.TorchVisionImageNet));
        var file = original.state_dict().Where(e => !e.Key.StartsWith("normalize.", StringComparison.Ordinal))
            .ToDictionary(e => e.Key, e => e.Value);
        using var headWeight = zeros(1000, original.FeatureChannels);
        using var headBias = zeros(1000);
        (file[head + ".weight"], file[head + ".bias"]) = (headWeight, headBias);
        string path = Path.Combine(_directory, $"{architecture}.safetensors");
        Safetensors.SaveStateDict(path, file);

        using var loaded = BackboneModule.Load(PretrainedBackbone.FromFile(architecture, path));
        original.eval();
        loaded.eval();
        using var noGrad = no_grad();
        using var image = rand(1, 3, 64, 64);
        using var expected = original.forward(image);
        using var actual = loaded.forward(image);
        Assert.IsTrue(BackboneTensors.Same(expected, actual));
    }

    [TestMethod]
    public void ExportTorchVisionStateDict_OfMobileNetV2_LoadsBackWithItsPreprocessing()
    {
        using var original = BackboneModule.Create(new BackboneSpec("original", BackboneArchitecture.MobileNetV2,
            BackbonePreprocessing.TorchVisionImageNet));
        string path = Path.Combine(_directory, "mobilenet_v2.pth");
        original.ExportTorchVisionStateDict(path);
        using var loaded = BackboneModule.Load(PretrainedBackbone.FromFile(BackboneArchitecture.MobileNetV2, path));
        foreach (var (name, tensor) in original.state_dict())
            Assert.IsTrue(BackboneTensors.Same(tensor, loaded.state_dict()[name]), name);

        var preprocessing = PyTorchUnpickler.UnpickleStateDict(BackboneModule.PreprocessingPath(path));
        CollectionAssert.AreEqual(new[] { 0.485f, 0.456f, 0.406f }, ((Tensor)preprocessing["mean"]!).data<float>().ToArray());
        CollectionAssert.AreEqual(new[] { 0.229f, 0.224f, 0.225f }, ((Tensor)preprocessing["std"]!).data<float>().ToArray());
        CollectionAssert.AreEqual(new long[] { 0, 1, 2 }, ((Tensor)preprocessing["channel_order"]!).data<long>().ToArray());
        Assert.AreEqual(1f, ((Tensor)preprocessing["input_scale"]!).item<float>());
    }

    [TestMethod]
    public void ExportTorchVisionStateDict_OfResNet18_LoadsStrictlyIntoTorchVisionsResNet18()
    {
        string source = SavedResNet18(".safetensors");
        using var module = BackboneModule.Load(PretrainedBackbone.FromFile(BackboneArchitecture.ResNet18, source));
        string path = Path.Combine(_directory, "exported.pt");
        module.ExportTorchVisionStateDict(path);
        using var reference = torchvision.models.resnet18();
        reference.load_py(path, strict: true, skip: ["fc.weight", "fc.bias"]);
        Assert.IsTrue(BackboneTensors.Same(module.state_dict()["layer2.0.downsample.1.running_mean"],
            reference.state_dict()["layer2.0.downsample.1.running_mean"]));
    }

    [TestMethod]
    public void FromFile_WithBadArguments_ThrowsNamingTheProblem()
    {
        var missing = Assert.ThrowsExactly<FileNotFoundException>(() =>
            PretrainedBackbone.FromFile(BackboneArchitecture.ResNet18, "/nowhere/weights.pth"));
        StringAssert.Contains(missing.Message, "'/nowhere/weights.pth' does not exist");

        string text = Path.Combine(_directory, "weights.onnx");
        File.WriteAllText(text, "not weights");
        var extension = Assert.ThrowsExactly<ArgumentException>(() => PretrainedBackbone.FromFile(BackboneArchitecture.ResNet18, text));
        StringAssert.Contains(extension.Message, ".pt, .pth, .bin");

        var cntk = Assert.ThrowsExactly<ArgumentException>(() => PretrainedBackbone.FromFile(BackboneArchitecture.ResNet18Cntk, text));
        StringAssert.Contains(cntk.Message, "PretrainedBackbone.ResNet18ImageNet()");
    }
}
