using static TorchSharp.torch;

namespace MlNetTriplet.Explain;

/// <summary>HiResCAM: gradient times activation at every position, summed over channels (no spatial averaging of the
/// gradient), so the map is what raised the score at that layer, position by position.</summary>
internal sealed class HiResCam : ClassActivationMap
{
    protected override Tensor LayerMap(CamInputs inputs) => (inputs.Gradient * inputs.Activations).sum(1);
}
