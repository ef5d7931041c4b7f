using MlNetTriplet.Networks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MlNetTriplet.Explain;

/// <summary>The package's CNN classifier split at one of its convolution blocks ("block0", "block1"...).</summary>
internal sealed class ExplainedCnn(CnnModule network) : ExplainedNetwork
{
    private readonly string[] _names = Enumerable.Range(0, network.BlockCount).Select(i => $"block{i}").ToArray();

    public override IReadOnlyList<string> LayerNames => _names;

    public override ImageShape InputShape => network.Input;

    public override Device Device => network.parameters().First().device;

    public override Linear? PooledClassifier => network.Classifier;

    public override Tensor Activations(Tensor input, int layer) => network.ForwardThrough(input, layer);

    public override Tensor Logits(Tensor activations, int layer) =>
        network.Head.call(network.ForwardFrom(activations, layer + 1));
}
