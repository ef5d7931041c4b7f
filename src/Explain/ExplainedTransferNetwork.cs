using MlNetTriplet.Networks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MlNetTriplet.Explain;

/// <summary>A transfer-learning classifier (pretrained backbone, global average pooling, dense layer) split at one of
/// the backbone's blocks (ResNets "stem", "layer1".."layer4"; see BackboneModule.BlockNames).</summary>
internal sealed class ExplainedTransferNetwork(TransferNetwork network) : ExplainedNetwork
{
    public override IReadOnlyList<string> LayerNames => network.Backbone.BlockNames;

    public override ImageShape InputShape => new(3, network.Backbone.Spec.ImageSize, network.Backbone.Spec.ImageSize);

    public override Device Device => network.parameters().First().device;

    public override Linear? PooledClassifier => network.Classifier;

    public override Tensor Activations(Tensor input, int layer) => network.Backbone.ForwardThrough(input, layer);

    public override Tensor Logits(Tensor activations, int layer)
    {
        var maps = layer == LastLayer ? activations : network.Backbone.ForwardFrom(activations, layer + 1);
        return network.Head.call(maps.mean([2, 3]));
    }
}
