using static TorchSharp.torch;

namespace MlNetTriplet.Explain;

/// <summary>Grad-CAM++: positive gradients weighted per position by alpha = g^2 / (2 g^2 + sum(A) g^3) (equation 19
/// of Chattopadhay et al., the exponential-score closed form pytorch-grad-cam uses), zero where the gradient is zero,
/// then summed over positions.</summary>
internal sealed class GradCamPlusPlus : ChannelWeightedMap
{
    private const double Epsilon = 1e-6;

    protected override Tensor ChannelWeights(CamInputs inputs)
    {
        var g = inputs.Gradient;
        var g2 = g * g;
        var sums = inputs.Activations.sum([2, 3], keepdim: true);
        var alpha = g2 / (2 * g2 + sums * g2 * g + Epsilon);
        alpha = where(g.ne(0), alpha, zeros_like(alpha));
        return (g.relu() * alpha).sum([2, 3]);
    }
}
