using static TorchSharp.torch;

namespace MlNetTriplet.Explain;

/// <summary>Grad-CAM: each channel's weight is the spatial mean of the target score's gradient over it.</summary>
internal sealed class GradCam : ChannelWeightedMap
{
    protected override Tensor ChannelWeights(CamInputs inputs) => inputs.Gradient.mean([2, 3]);
}
