using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet.Explain;

/// <summary>One class activation map method on the pipeline every method shares: feature maps of the chosen block
/// (and, for gradient methods, the target score's gradient with respect to them), the method's map at the block's
/// resolution, ReLU, bilinear upsampling to the input image, and scaling of each map to [0, 1]. A method overrides
/// <see cref="LayerMap"/> only (most through <see cref="ChannelWeightedMap"/>'s channel weights), as
/// pytorch-grad-cam's methods override <c>get_cam_weights</c> or <c>get_cam_image</c>.</summary>
internal abstract class ClassActivationMap
{
    /// <summary>Whether the method needs the target score's gradient at the block.</summary>
    public virtual bool UsesGradients => true;

    /// <summary>The method for <paramref name="method"/>; <paramref name="batchSize"/> images at most go through the
    /// network at once (Score-CAM's masked copies).</summary>
    public static ClassActivationMap For(CamMethod method, int batchSize) => method switch
    {
        CamMethod.Cam => new Cam(),
        CamMethod.GradCam => new GradCam(),
        CamMethod.GradCamPlusPlus => new GradCamPlusPlus(),
        CamMethod.HiResCam => new HiResCam(),
        CamMethod.ScoreCam => new ScoreCam(batchSize),
        CamMethod.EigenCam => new EigenCam(),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown CamMethod."),
    };

    /// <summary>Throws when the method cannot read <paramref name="network"/> at <paramref name="layer"/>, before any
    /// row is read; <paramref name="optionName"/> names the option to change.</summary>
    public virtual void Check(ExplainedNetwork network, int layer, string optionName)
    {
    }

    /// <summary>The maps of a batch (N x <paramref name="height"/> x <paramref name="width"/>, each in [0, 1]) and
    /// the class each explains (N, int64).</summary>
    /// <param name="network">The classifier, split at <paramref name="layer"/>.</param>
    /// <param name="layer">The block whose feature maps are weighed.</param>
    /// <param name="target">What is explained.</param>
    /// <param name="classIndex">The class a <see cref="CamTargetKind.Class"/> or <see cref="CamTargetKind.PredictedVersus"/>
    /// target names (ignored otherwise).</param>
    /// <param name="images">The input batch, N x C x H x W as the classifier takes it.</param>
    /// <param name="height">Rows of the maps.</param>
    /// <param name="width">Columns of the maps.</param>
    public (Tensor Maps, Tensor Classes) Compute(ExplainedNetwork network, int layer, CamTargetKind target,
        int classIndex, Tensor images, long height, long width)
    {
        Tensor activations, logits;
        Tensor? gradients = null;
        CamScore score;
        using (no_grad())
            activations = network.Activations(images, layer);
        if (UsesGradients)
        {
            // A leaf of its own: the gradient reaches the feature maps even when the parameters are frozen, and
            // nothing of the shared network (requires_grad, .grad) changes.
            using var enabled = enable_grad();
            var leaf = activations.detach().requires_grad_(true);
            logits = network.Logits(leaf, layer);
            score = CamScore.Resolve(target, classIndex, logits.detach());
            using var total = score.Of(logits).sum();
            gradients = torch.autograd.grad([total], [leaf])[0];
        }
        else
        {
            using (no_grad())
                logits = network.Logits(activations, layer);
            score = CamScore.Resolve(target, classIndex, logits);
        }
        using (no_grad())
        {
            var map = LayerMap(new CamInputs(network, layer, images, activations, gradients, score)).relu();
            var upsampled = nn.functional.interpolate(map.unsqueeze(1), [height, width],
                mode: InterpolationMode.Bilinear, align_corners: false).flatten(1);
            var low = upsampled.amin([1], keepdim: true);
            var range = (upsampled.amax([1], keepdim: true) - low).clamp_min(1e-12);
            return (((upsampled - low) / range).view(-1, height, width), score.Explained);
        }
    }

    /// <summary>The map at the block's resolution, N x h x w, before ReLU.</summary>
    protected abstract Tensor LayerMap(CamInputs inputs);
}
