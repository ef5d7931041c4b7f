using static TorchSharp.torch;

namespace MlNetTriplet.Explain;

/// <summary>Score-CAM: each channel's feature map, upsampled to the image and scaled to [0, 1], masks the image; the
/// target's softmax probability on the masked image (minus the contrasted class's) is the channel's weight, as in the
/// authors' code. A constant channel masks nothing and weighs 0. One forward pass per channel per image, in chunks of
/// <paramref name="chunkSize"/> masked images.</summary>
internal sealed class ScoreCam(int chunkSize) : ChannelWeightedMap
{
    public override bool UsesGradients => false;

    protected override Tensor ChannelWeights(CamInputs inputs)
    {
        var a = inputs.Activations;
        var images = inputs.Images;
        long n = a.shape[0], channels = a.shape[1];
        long[] size = [images.shape[2], images.shape[3]];
        var weights = zeros(n, channels, device: a.device);
        var network = inputs.Network;
        for (long i = 0; i < n; i++)
        {
            for (long first = 0; first < channels; first += chunkSize)
            {
                using var scope = NewDisposeScope();
                long count = Math.Min(chunkSize, channels - first);
                var masks = nn.functional.interpolate(a[i].narrow(0, first, count).unsqueeze(1), size,
                    mode: InterpolationMode.Bilinear, align_corners: false).flatten(1);
                var low = masks.amin([1], keepdim: true);
                var range = masks.amax([1], keepdim: true) - low;
                var masked = images[i].unsqueeze(0) * ((masks - low) / range.clamp_min(1e-12))
                    .view(count, 1, size[0], size[1]);
                var logits = network.Logits(network.Activations(masked, inputs.Layer), inputs.Layer);
                var probability = inputs.Score.Row(i, count).ProbabilityOf(logits);
                weights[i].narrow(0, first, count).copy_(where(range.squeeze(1).gt(0), probability, zeros_like(probability)));
            }
        }
        return weights;
    }
}
