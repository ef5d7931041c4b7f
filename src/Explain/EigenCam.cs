using static TorchSharp.torch;

namespace MlNetTriplet.Explain;

/// <summary>Eigen-CAM: the projection of each position's feature vector on the first principal component of the
/// feature maps (positions as samples, channels centred). A component's sign is arbitrary, so it is chosen to agree
/// with the mean activation over channels: the map then shows where the layer responds, not where it is quiet.</summary>
internal sealed class EigenCam : ClassActivationMap
{
    public override bool UsesGradients => false;

    protected override Tensor LayerMap(CamInputs inputs)
    {
        var a = inputs.Activations;
        long n = a.shape[0], h = a.shape[2], w = a.shape[3];
        var positions = a.flatten(2).transpose(1, 2);                            // N x hw x C
        var centred = positions - positions.mean([1], keepdim: true);
        var (_, _, vh) = linalg.svd(centred, fullMatrices: false);
        var projection = centred.bmm(vh.select(1, 0).unsqueeze(2)).squeeze(2);    // N x hw
        var response = a.mean([1]).flatten(1);
        var agreement = (projection * (response - response.mean([1], keepdim: true))).sum([1], keepdim: true);
        var sign = where(agreement.lt(0), -ones_like(agreement), ones_like(agreement));
        return (projection * sign).view(n, h, w);
    }
}
