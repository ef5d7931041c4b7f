using MlNetTriplet.Images;
using MlNetTriplet.Checks;

namespace MlNetTriplet;

/// <summary>Random changes to training photos, as torchvision's <c>RandomResizedCrop(size)</c> followed by
/// <c>RandomHorizontalFlip()</c>: a crop of random area and aspect ratio resized to the network's input, mirrored
/// left-right half of the time. Evaluation and inference never augment. Every draw depends only on the trainer's seed,
/// the epoch and the row, so runs repeat exactly whatever the number of decoding threads.</summary>
public sealed record ImageAugmentation
{
    /// <summary>torchvision's usual training augmentation: every default below.</summary>
    public static ImageAugmentation Default { get; } = new();

    /// <summary>Whether to crop a random part of the photo (then resize it to the input height x width) instead of
    /// resizing its shorter side and cropping the centre. Default true.</summary>
    public bool RandomResizedCrop { get; init; } = true;

    /// <summary>Smallest share of the photo's area a random crop covers, in (0, <see cref="MaximumScale"/>].
    /// Default 0.08 (torchvision's <c>scale=(0.08, 1.0)</c>).</summary>
    public double MinimumScale { get; init; } = 0.08;

    /// <summary>Largest share of the photo's area a random crop covers, in [<see cref="MinimumScale"/>, 1].
    /// Default 1.</summary>
    public double MaximumScale { get; init; } = 1.0;

    /// <summary>Smallest width / height ratio of a random crop, positive. Default 3/4 (torchvision's
    /// <c>ratio=(3/4, 4/3)</c>; drawn uniformly in log space).</summary>
    public double MinimumAspectRatio { get; init; } = 3.0 / 4.0;

    /// <summary>Largest width / height ratio of a random crop, at least <see cref="MinimumAspectRatio"/>.
    /// Default 4/3.</summary>
    public double MaximumAspectRatio { get; init; } = 4.0 / 3.0;

    /// <summary>Chance of mirroring a photo left-right, in [0, 1]. Default 0.5.</summary>
    public double HorizontalFlipProbability { get; init; } = 0.5;

    /// <summary>Throws naming the first option out of range; <paramref name="check"/> names this object as the user
    /// reaches it.</summary>
    internal void Validate(OptionChecks check)
    {
        check.Accepts(MinimumScale is > 0 and <= 1 && double.IsFinite(MinimumScale), nameof(MinimumScale), MinimumScale, "a number in (0, 1]");
        check.Accepts(MaximumScale is > 0 and <= 1, nameof(MaximumScale), MaximumScale, "a number in (0, 1]");
        check.Compatible(MinimumScale <= MaximumScale, nameof(MinimumScale), MinimumScale, nameof(MaximumScale), MaximumScale,
            "MinimumScale <= MaximumScale");
        check.Accepts(MinimumAspectRatio > 0 && double.IsFinite(MinimumAspectRatio), nameof(MinimumAspectRatio),
            MinimumAspectRatio, "a positive number");
        check.Accepts(MaximumAspectRatio > 0 && double.IsFinite(MaximumAspectRatio), nameof(MaximumAspectRatio),
            MaximumAspectRatio, "a positive number");
        check.Compatible(MinimumAspectRatio <= MaximumAspectRatio, nameof(MinimumAspectRatio), MinimumAspectRatio,
            nameof(MaximumAspectRatio), MaximumAspectRatio, "MinimumAspectRatio <= MaximumAspectRatio");
        check.Accepts(HorizontalFlipProbability is >= 0 and <= 1, nameof(HorizontalFlipProbability), HorizontalFlipProbability,
            "a number in [0, 1]");
    }

    /// <summary>The crop and flip of one photo of <paramref name="width"/> x <paramref name="height"/> pixels,
    /// resized to <paramref name="geometry"/>'s input height x width: torchvision's
    /// <c>RandomResizedCrop.get_params</c> (ten tries at a random area and log-uniform aspect ratio, then the centre
    /// crop clamped to the ratio range), then the flip; sizes rounded half to even as Python's <c>round</c>.</summary>
    internal ResamplePlan Draw(int width, int height, ImageGeometry geometry, ref RowRandom random)
    {
        if (!RandomResizedCrop)
        {
            var centre = geometry.Evaluation(width, height);
            return centre with { Flip = random.NextDouble() < HorizontalFlipProbability };
        }
        var crop = RandomCrop(width, height, ref random);
        return ResamplePlan.Crop(crop, geometry.Shape.Width, geometry.Shape.Height, random.NextDouble() < HorizontalFlipProbability);
    }

    private PixelRect RandomCrop(int width, int height, ref RowRandom random)
    {
        double area = (double)width * height;
        double logLow = Math.Log(MinimumAspectRatio), logHigh = Math.Log(MaximumAspectRatio);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double target = area * random.Uniform(MinimumScale, MaximumScale);
            double ratio = Math.Exp(random.Uniform(logLow, logHigh));
            int w = RoundHalfEven(Math.Sqrt(target * ratio));
            int h = RoundHalfEven(Math.Sqrt(target / ratio));
            if (w > 0 && w <= width && h > 0 && h <= height)
            {
                int top = random.NextInt(height - h + 1);
                int left = random.NextInt(width - w + 1);
                return new PixelRect(left, top, w, h);
            }
        }
        double inRatio = (double)width / height;
        var (cw, ch) = inRatio < MinimumAspectRatio ? (width, RoundHalfEven(width / MinimumAspectRatio))
            : inRatio > MaximumAspectRatio ? (RoundHalfEven(height * MaximumAspectRatio), height)
            : (width, height);
        return new PixelRect((width - cw) / 2, (height - ch) / 2, cw, ch);
    }

    private static int RoundHalfEven(double value) => (int)Math.Round(value, MidpointRounding.ToEven);
}
