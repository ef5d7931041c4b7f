using static TorchSharp.torch;

namespace MlNetTriplet.Explain;

/// <summary>What a method reads: the network and block, the input batch, the block's feature maps (N x C x h x w),
/// the target score's gradient with respect to them (null for gradient-free methods) and the resolved target.</summary>
internal sealed record CamInputs(ExplainedNetwork Network, int Layer, Tensor Images, Tensor Activations,
    Tensor? Gradients, CamScore Score)
{
    /// <summary>The gradients, which every gradient method has.</summary>
    public Tensor Gradient => Gradients ?? throw new InvalidOperationException("This method was run without gradients.");
}
