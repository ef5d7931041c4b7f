using System.Text.Json.Serialization;
using MlNetTriplet.Images;

namespace MlNetTriplet.Backbones;

/// <summary>How a backbone turns its input (RGB in [0, 1]) into what its weights were trained on.</summary>
internal enum BackbonePreprocessing
{
    /// <summary>torchvision's ImageNet normalisation: (x - mean) / std per channel, mean 0.485/0.456/0.406, std
    /// 0.229/0.224/0.225. Any image size of at least 32 x 32.</summary>
    TorchVisionImageNet,
    /// <summary>CNTK's (ML.NET's DnnImageFeaturizer): BGR channel order, 0-255, minus a 224 x 224 mean image, no
    /// std. Exactly 224 x 224 images.</summary>
    CntkBgrMeanImage,
}

/// <summary>What rebuilds a backbone's network (without weights): persisted as JSON in model zips.</summary>
/// <param name="Name">What the weights are, for messages and reports.</param>
/// <param name="Architecture">The network.</param>
/// <param name="Preprocessing">The input normalisation baked in as the fixed first layer.</param>
/// <param name="ImageSize">Side of the square crop the network takes.</param>
/// <param name="ResizeShorterSide">Shorter side images are resized to before the centre crop (torchvision's eval
/// transform).</param>
internal sealed record BackboneSpec(
    string Name,
    BackboneArchitecture Architecture,
    BackbonePreprocessing Preprocessing,
    int ImageSize = BackboneSpec.DefaultImageSize,
    int ResizeShorterSide = BackboneSpec.DefaultResizeShorterSide)
{
    public const int DefaultImageSize = 224, DefaultResizeShorterSide = 256, MinimumImageSize = 32;

    /// <summary>The smallest square side the network accepts; the CNTK mean image fixes its size.</summary>
    [JsonIgnore]
    public int RequiredImageSize => Preprocessing == BackbonePreprocessing.CntkBgrMeanImage ? DefaultImageSize : 0;

    /// <summary>How a photo becomes this network's input: shorter side to <see cref="ResizeShorterSide"/>, centre
    /// <see cref="ImageSize"/> x <see cref="ImageSize"/> crop, RGB.</summary>
    [JsonIgnore]
    public ImageGeometry Geometry => new(new ImageShape(3, ImageSize, ImageSize), ResizeShorterSide);

    /// <summary>Rejects specs no network can be built from (a hand-edited or corrupt model zip).</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Architecture))
            throw new ArgumentOutOfRangeException(nameof(Architecture), Architecture, "Unknown backbone architecture.");
        if (!Enum.IsDefined(Preprocessing))
            throw new ArgumentOutOfRangeException(nameof(Preprocessing), Preprocessing, "Unknown backbone preprocessing.");
        if ((Architecture == BackboneArchitecture.ResNet18Cntk) != (Preprocessing == BackbonePreprocessing.CntkBgrMeanImage))
            throw new ArgumentException(
                $"Backbone '{Name}': the CNTK mean-image preprocessing goes with ResNet18Cntk only, got {Architecture} with {Preprocessing}.");
        if (RequiredImageSize > 0 ? ImageSize != RequiredImageSize : ImageSize < MinimumImageSize)
            throw new ArgumentOutOfRangeException(nameof(ImageSize), ImageSize, RequiredImageSize > 0
                ? $"Backbone '{Name}' takes exactly {RequiredImageSize} x {RequiredImageSize} images."
                : $"Backbone '{Name}' takes images of at least {MinimumImageSize} x {MinimumImageSize}.");
        if (ResizeShorterSide < ImageSize)
            throw new ArgumentOutOfRangeException(nameof(ResizeShorterSide), ResizeShorterSide,
                $"Backbone '{Name}': the resize before the {ImageSize} x {ImageSize} centre crop must be at least {ImageSize}.");
    }
}
