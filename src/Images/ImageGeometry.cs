namespace MlNetTriplet.Images;

/// <summary>How a photo becomes a network input, as torchvision evaluates: resize so the shorter side is
/// <paramref name="ResizeShorterSide"/> (aspect kept), crop the centre <see cref="ImageShape.Height"/> x
/// <see cref="ImageShape.Width"/>, values in [0, 1], planar; RGB for 3 channels, PIL's luma ("L") for 1.</summary>
internal sealed record ImageGeometry(ImageShape Shape, int ResizeShorterSide)
{
    /// <summary>torchvision's ImageNet evaluation: <c>Resize(256)</c>, <c>CenterCrop(224)</c>.</summary>
    public static ImageGeometry ImageNet { get; } = new(new ImageShape(3, 224, 224), 256);

    /// <summary>Throws when the shape or size cannot work; <paramref name="optionName"/> names where they came from.</summary>
    public void Validate(string optionName)
    {
        Shape.Validate(optionName);
        if (Shape.Channels is not (1 or 3))
            throw new ArgumentOutOfRangeException(optionName,
                $"{optionName}: photos give 1 (grey) or 3 (RGB) channels, not {Shape.Channels}.");
        if (ResizeShorterSide < Math.Max(Shape.Height, Shape.Width))
            throw new ArgumentOutOfRangeException(optionName,
                $"{optionName}: the shorter side is resized to {ResizeShorterSide} pixels, less than the {Shape.Height}x{Shape.Width} centre crop; it must be at least {Math.Max(Shape.Height, Shape.Width)}.");
    }

    /// <summary>The evaluation plan for a <paramref name="width"/> x <paramref name="height"/> photo.</summary>
    public ResamplePlan Evaluation(int width, int height) =>
        ResamplePlan.Evaluation(width, height, ResizeShorterSide, Shape.Height, Shape.Width);
}
