using static TorchSharp.torch;

namespace MlNetTriplet.Explain;

/// <summary>The methods that weigh each channel of the feature maps by one number: the map is the weighted sum.</summary>
internal abstract class ChannelWeightedMap : ClassActivationMap
{
    protected sealed override Tensor LayerMap(CamInputs inputs) =>
        (ChannelWeights(inputs).unsqueeze(-1).unsqueeze(-1) * inputs.Activations).sum(1);

    /// <summary>N x C weights.</summary>
    protected abstract Tensor ChannelWeights(CamInputs inputs);
}
