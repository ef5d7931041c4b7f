using static TorchSharp.torch;

namespace MlNetTriplet.Explain;

/// <summary>CAM: the channel weights are the explained class's row of the dense layer after global average pooling
/// (minus the contrasted class's row), exact and without a gradient. The logit is the spatial mean of this map plus
/// the bias, which is why only that head, read at its last block, has a CAM.</summary>
internal sealed class Cam : ChannelWeightedMap
{
    public override bool UsesGradients => false;

    public override void Check(ExplainedNetwork network, int layer, string optionName)
    {
        if (network.PooledClassifier is null)
            throw new ArgumentException(
                "CamMethod.Cam needs a head of global average pooling then one dense layer (CnnHead.GlobalAveragePool, or a transfer-learning classifier); this network's head is dense. Use CamMethod.GradCam, which works on any head.",
                nameof(ClassActivationMapOptions.Method));
        if (layer != network.LastLayer)
            throw new ArgumentException(
                $"CamMethod.Cam reads the last block ({network.LayerNames[network.LastLayer]}), whose feature maps the head pools; {optionName} asks for '{network.LayerNames[layer]}'. Use CamMethod.GradCam for other blocks.",
                optionName);
    }

    protected override Tensor ChannelWeights(CamInputs inputs) =>
        inputs.Score.WeightsOf(inputs.Network.PooledClassifier!.weight!);
}
