using System.Text.Json;
using MlNetTriplet.Backbones;
using MlNetTriplet.Persistence;
using static TorchSharp.torch;

namespace MlNetTriplet.Tests.Backbones;

[TestClass]
public sealed class BackboneArchitectureTests
{
    private static BackboneSpec TorchVisionSpec(BackboneArchitecture architecture) =>
        new($"{architecture} test", architecture, BackbonePreprocessing.TorchVisionImageNet);

    [TestMethod]
    [DataRow(BackboneArchitecture.ResNet18, 512, "stem,layer1,layer2,layer3,layer4")]
    [DataRow(BackboneArchitecture.ResNet34, 512, "stem,layer1,layer2,layer3,layer4")]
    [DataRow(BackboneArchitecture.ResNet50, 2048, "stem,layer1,layer2,layer3,layer4")]
    [DataRow(BackboneArchitecture.Vgg16, 512, "block1,block2,block3,block4,block5")]
    [DataRow(BackboneArchitecture.MobileNetV2, 1280, "features.0,features.1,features.2,features.3,features.4,features.5,features.6,features.7,features.8,features.9,features.10,features.11,features.12,features.13,features.14,features.15,features.16,features.17,features.18")]
    public void Create_EachTorchVisionArchitecture_HasItsChannelsBlocksAndStride32(BackboneArchitecture architecture,
        int channels, string blocks)
    {
        using var module = BackboneModule.Create(TorchVisionSpec(architecture));
        module.eval();
        Assert.AreEqual(channels, module.FeatureChannels);
        Assert.AreEqual(blocks, string.Join(",", module.BlockNames));
        using var noGrad = no_grad();
        using var image = rand(2, 3, 64, 64);
        using var features = module.forward(image);
        CollectionAssert.AreEqual(new long[] { 2, channels, 2, 2 }, features.shape);
    }

    [TestMethod]
    public void Create_ResNet18Cntk_HasLayer4OfThreeBlocksAnd7x7Maps()
    {
        using var module = BackboneModule.Create(new BackboneSpec("cntk test", BackboneArchitecture.ResNet18Cntk,
            BackbonePreprocessing.CntkBgrMeanImage));
        module.eval();
        var names = module.state_dict().Keys.ToList();
        Assert.IsTrue(names.Contains("layer4.2.conv2.weight") && !names.Contains("layer4.3.conv1.weight"));
        Assert.IsTrue(names.Contains("normalize.mean"));
        using var noGrad = no_grad();
        using var image = rand(1, 3, 224, 224);
        using var features = module.forward(image);
        CollectionAssert.AreEqual(new long[] { 1, 512, 7, 7 }, features.shape);
    }

    [TestMethod]
    public void StateDict_OfResNet50_HasTorchVisionsNamesWithoutTheHeadPlusTheNormalisation()
    {
        using var module = BackboneModule.Create(TorchVisionSpec(BackboneArchitecture.ResNet50));
        using var reference = TorchSharp.torchvision.models.resnet50();
        var expected = reference.state_dict().Where(e => !e.Key.StartsWith("fc.", StringComparison.Ordinal))
            .ToDictionary(e => e.Key, e => e.Value.shape);
        var actual = module.state_dict();
        CollectionAssert.AreEquivalent(expected.Keys.Append("normalize.mean").Append("normalize.std").ToList(), actual.Keys.ToList());
        foreach (var (name, shape) in expected)
            CollectionAssert.AreEqual(shape, actual[name].shape, name);
    }

    [TestMethod]
    public void StateDict_OfVgg16_HasTorchVisionsFeatureNames()
    {
        using var module = BackboneModule.Create(TorchVisionSpec(BackboneArchitecture.Vgg16));
        int[] convolutions = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28];
        var expected = convolutions.SelectMany(i => new[] { $"features.{i}.weight", $"features.{i}.bias" })
            .Append("normalize.mean").Append("normalize.std");
        CollectionAssert.AreEquivalent(expected.ToList(), module.state_dict().Keys.ToList());
        CollectionAssert.AreEqual(new long[] { 512, 512, 3, 3 }, module.state_dict()["features.28.weight"].shape);
    }

    [TestMethod]
    [DataRow(BackboneArchitecture.ResNet18, 2)]
    [DataRow(BackboneArchitecture.Vgg16, 3)]
    [DataRow(BackboneArchitecture.MobileNetV2, 14)]
    public void ForwardFrom_OnForwardThroughsOutput_EqualsForward(BackboneArchitecture architecture, int block)
    {
        using var module = BackboneModule.Create(TorchVisionSpec(architecture));
        module.eval();
        using var noGrad = no_grad();
        using var image = rand(1, 3, 64, 64);
        using var whole = module.forward(image);
        using var inner = module.ForwardThrough(image, block);
        using var rest = module.ForwardFrom(inner, block + 1);
        Assert.IsTrue(BackboneTensors.MaxDifference(whole, rest) < 1e-6);
    }

    [TestMethod]
    public void Block_Stem_HoldsConv1AndBn1OfTheNetwork()
    {
        using var module = BackboneModule.Create(TorchVisionSpec(BackboneArchitecture.ResNet18));
        var stem = module.Block(0).parameters().ToList();
        Assert.AreEqual(3, stem.Count, "conv1.weight, bn1.weight, bn1.bias");
        using (no_grad())
            stem[0].fill_(0.5f);
        Assert.AreEqual(0.5f, module.state_dict()["conv1.weight"][0, 0, 0, 0].item<float>(), "the block shares the network's tensors");

        foreach (var p in stem)
            p.requires_grad = false;
        Assert.AreEqual(module.parameters().Count() - 3, module.parameters().Count(p => p.requires_grad));
    }

    [TestMethod]
    public void ForwardThrough_WithABlockOutOfRange_ThrowsListingTheBlocks()
    {
        using var module = BackboneModule.Create(TorchVisionSpec(BackboneArchitecture.ResNet18));
        using var image = rand(1, 3, 64, 64);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => module.ForwardThrough(image, 5));
        StringAssert.Contains(e.Message, "stem, layer1, layer2, layer3, layer4");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => module.ForwardFrom(image, 0));
    }

    [TestMethod]
    [DataRow(1, 3, 16, 16, "[1, 3, 16, 16]")]
    [DataRow(1, 1, 64, 64, "[1, 1, 64, 64]")]
    [DataRow(0, 3, 64, 64, "[3, 64, 64]")]
    public void Forward_WithAnImageItCannotTake_ThrowsNamingShapes(int batch, int channels, int height, int width, string shown)
    {
        using var module = BackboneModule.Create(TorchVisionSpec(BackboneArchitecture.MobileNetV2));
        using var image = batch == 0 ? rand(channels, height, width) : rand(batch, channels, height, width);
        var e = Assert.ThrowsExactly<ArgumentException>(() => module.forward(image));
        StringAssert.Contains(e.Message, "N x 3 x H x W (at least 32 x 32");
        StringAssert.Contains(e.Message, shown);
    }

    [TestMethod]
    public void Spec_ThroughTheModelZipsJson_RoundTrips()
    {
        var spec = PretrainedBackbone.ResNet18ImageNet().Spec;
        string json = JsonSerializer.Serialize(spec, ModelFormat.Json);
        StringAssert.Contains(json, "\"ResNet18Cntk\"");
        Assert.AreEqual(spec, JsonSerializer.Deserialize<BackboneSpec>(json, ModelFormat.Json));
    }

    [TestMethod]
    public void Create_WithASpecThatCannotBe_ThrowsNamingTheProblem()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => BackboneModule.Create(
            new BackboneSpec("cntk", BackboneArchitecture.ResNet18Cntk, BackbonePreprocessing.CntkBgrMeanImage, ImageSize: 256)));
        StringAssert.Contains(e.Message, "exactly 224 x 224");
        Assert.ThrowsExactly<ArgumentException>(() => BackboneModule.Create(
            new BackboneSpec("mixed", BackboneArchitecture.ResNet18, BackbonePreprocessing.CntkBgrMeanImage)));
    }
}
