namespace MlNetTriplet;

/// <summary>How a class activation map weighs the feature maps of the explained layer (the names and formulas of
/// pytorch-grad-cam). Every map is then the weighted sum over channels, ReLU, bilinear upsampling to the input image
/// and scaling to [0, 1].</summary>
public enum CamMethod
{
    /// <summary>CAM (Zhou et al. 2016): the dense layer's weights of the explained class on the last block's feature
    /// maps. Exact and gradient-free, but only for a network whose head is global average pooling then one dense
    /// layer, read at its last block.</summary>
    Cam,
    /// <summary>Grad-CAM (Selvaraju et al. 2017): channel weights are the spatial mean of the target score's gradient.
    /// Works on any layer of any of the package's classifiers; on a global-average-pool head at the last block it gives
    /// the same map as <see cref="Cam"/>.</summary>
    GradCam,
    /// <summary>Grad-CAM++ (Chattopadhay et al. 2018): positive gradients weighted per position by the closed-form
    /// second- and third-order terms, which spreads the map over several instances of a class.</summary>
    GradCamPlusPlus,
    /// <summary>HiResCAM (Draelos and Carin 2020): gradient times activation per position, summed over channels; what
    /// the map shows is exactly what raised the score at that layer.</summary>
    HiResCam,
    /// <summary>Score-CAM (Wang et al. 2020), gradient-free: each channel's upsampled map masks the image and the
    /// target's softmax probability on the masked image is the channel's weight. Costs one forward pass per channel per
    /// image (512 for a ResNet-18): slow, for a few images.</summary>
    ScoreCam,
    /// <summary>Eigen-CAM (Muhammad and Yeasin 2020), gradient-free and class-agnostic: the first principal component of
    /// the layer's feature maps, signed to agree with their mean; the same map whatever the target.</summary>
    EigenCam,
}
