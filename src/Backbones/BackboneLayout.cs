using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MlNetTriplet.Backbones;

/// <summary>One architecture's modules under torchvision's state_dict names, without the classifier head, and the
/// ordered blocks they form (what can be frozen, and where CAM can read).</summary>
internal sealed class BackboneLayout
{
    private BackboneLayout(List<(string, Module)> modules, List<(string, Module<Tensor, Tensor>)> blocks,
        List<Module> groups, int featureChannels)
    {
        Modules = modules;
        Blocks = blocks;
        Groups = groups;
        FeatureChannels = featureChannels;
    }

    /// <summary>Top-level modules, named as in torchvision (conv1, layer1, features...).</summary>
    public IReadOnlyList<(string Name, Module Module)> Modules { get; }

    /// <summary>The blocks in forward order; a block may be one of <see cref="Modules"/> or one of <see cref="Groups"/>.</summary>
    public IReadOnlyList<(string Name, Module<Tensor, Tensor> Block)> Blocks { get; }

    /// <summary>Containers made only to run several of <see cref="Modules"/> as one block (ResNet's stem, VGG's
    /// blocks): not registered, so they add no state_dict names; the owner disposes them.</summary>
    public IReadOnlyList<Module> Groups { get; }

    public int FeatureChannels { get; }

    /// <summary>torchvision's name for the architecture.</summary>
    public static string TorchVisionName(BackboneArchitecture architecture) => architecture switch
    {
        BackboneArchitecture.ResNet18 => "resnet18",
        BackboneArchitecture.ResNet34 => "resnet34",
        BackboneArchitecture.ResNet50 => "resnet50",
        BackboneArchitecture.Vgg16 => "vgg16",
        BackboneArchitecture.MobileNetV2 => "mobilenet_v2",
        BackboneArchitecture.ResNet18Cntk => "ResNet(BasicBlock, [2, 2, 2, 3])",
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "Unknown backbone architecture."),
    };

    /// <summary>A new, randomly initialised network (torchvision's initialisation).</summary>
    public static BackboneLayout Build(BackboneArchitecture architecture) => architecture switch
    {
        BackboneArchitecture.ResNet18 => ResNet(torchvision.models.resnet18(), 512),
        BackboneArchitecture.ResNet34 => ResNet(torchvision.models.resnet34(), 512),
        BackboneArchitecture.ResNet50 => ResNet(torchvision.models.resnet50(), 2048),
        BackboneArchitecture.ResNet18Cntk => ResNet(new TorchSharp.Modules.ResNet("ResNet18Cntk", CntkBasicBlock.Create,
            expansion: 1, layers: [2, 2, 2, 3]), 512),
        BackboneArchitecture.Vgg16 => Vgg16(),
        BackboneArchitecture.MobileNetV2 => MobileNetV2(),
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "Unknown backbone architecture."),
    };

    // TorchVision's networks are taken apart: their children are kept, the classifier disposed. The emptied
    // container is not disposed, since that would dispose the children we keep.
    private static BackboneLayout ResNet(Module network, int channels)
    {
        var children = network.named_children().ToDictionary(c => c.name, c => c.module);
        foreach (var head in new[] { "avgpool", "flatten", "fc" })
            children[head].Dispose();
        string[] stem = ["conv1", "bn1", "relu", "maxpool"], layers = ["layer1", "layer2", "layer3", "layer4"];
        var stemBlock = Sequential(stem.Select(n => (n, (Module<Tensor, Tensor>)children[n])).ToArray());
        return new BackboneLayout(
            stem.Concat(layers).Select(n => (n, children[n])).ToList(),
            [("stem", stemBlock), .. layers.Select(n => (n, (Module<Tensor, Tensor>)children[n]))],
            [stemBlock], channels);
    }

    private static BackboneLayout MobileNetV2()
    {
        var children = torchvision.models.mobilenet_v2().named_children().ToDictionary(c => c.name, c => c.module);
        children["classifier"].Dispose();
        var features = children["features"];
        return new BackboneLayout([("features", features)],
            features.named_children().Select(c => ("features." + c.name, (Module<Tensor, Tensor>)c.module)).ToList(),
            [], 1280);
    }

    /// <summary>VGG-16's <c>features</c> built here with torchvision's layout ("D": 3 x 3 convolutions with padding 1,
    /// ReLU, 2 x 2 max-pools) and initialisation: TorchVision's <c>vgg16()</c> also allocates and initialises the
    /// 120-million-parameter classifier we would throw away (measured 9 s and 500 MB on this machine).</summary>
    private static BackboneLayout Vgg16()
    {
        int[][] stages = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]];
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        var blocks = new List<(string, Module<Tensor, Tensor>)>();
        int inChannels = 3;
        for (int s = 0; s < stages.Length; s++)
        {
            int first = layers.Count;
            foreach (int channels in stages[s])
            {
                var conv = Conv2d(inChannels, channels, kernel_size: 3, padding: 1);
                init.kaiming_normal_(conv.weight, mode: init.FanInOut.FanOut, nonlinearity: init.NonlinearityType.ReLU);
                init.zeros_(conv.bias);
                layers.Add(($"{layers.Count}", conv));
                layers.Add(($"{layers.Count}", ReLU(inplace: true)));
                inChannels = channels;
            }
            layers.Add(($"{layers.Count}", MaxPool2d(kernel_size: 2, stride: 2)));
            blocks.Add(($"block{s + 1}", Sequential(layers.Skip(first).ToArray())));
        }
        return new BackboneLayout([("features", Sequential(layers.ToArray()))], blocks,
            blocks.Select(b => (Module)b.Item2).ToList(), 512);
    }
}
