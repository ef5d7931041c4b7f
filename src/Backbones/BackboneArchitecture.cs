namespace MlNetTriplet;

/// <summary>A pretrained network's architecture: torchvision's definitions (parameter names as in torchvision's
/// <c>state_dict</c>), without their classifier head.</summary>
public enum BackboneArchitecture
{
    /// <summary>torchvision <c>resnet18</c>: 512 feature channels, blocks <c>stem</c>, <c>layer1</c>..<c>layer4</c>.</summary>
    ResNet18,
    /// <summary>torchvision <c>resnet34</c>: 512 feature channels, blocks <c>stem</c>, <c>layer1</c>..<c>layer4</c>.</summary>
    ResNet34,
    /// <summary>torchvision <c>resnet50</c>: 2048 feature channels, blocks <c>stem</c>, <c>layer1</c>..<c>layer4</c>.</summary>
    ResNet50,
    /// <summary>torchvision <c>vgg16</c> (no batch norm): 512 feature channels, blocks <c>block1</c>..<c>block5</c>,
    /// each ending with its max-pool as in Keras' VGG16.</summary>
    Vgg16,
    /// <summary>torchvision <c>mobilenet_v2</c>: 1280 feature channels, blocks <c>features.0</c>..<c>features.18</c>.</summary>
    MobileNetV2,
    /// <summary>The ResNet-18 of CNTK that <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> ships: torchvision's
    /// ResNet with <c>BasicBlock</c> and blocks [2, 2, 2, 3] (layer4 has three blocks); 512 feature channels. Its
    /// weights come from <see cref="PretrainedBackbone.ResNet18ImageNet(string?, string?)"/>.</summary>
    ResNet18Cntk,
}
