using SkiaSharp;

namespace MlNetTriplet.Plots;

/// <summary>Class activation maps drawn over their images as pytorch-grad-cam's <c>show_cam_on_image</c> draws them:
/// the map in the jet colour map (blue low, red high) blended with the photo, then scaled so the brightest value is
/// white-level. Images are planar (C x H x W, grey or RGB) in [0, 1], maps H x W in [0, 1], as the
/// <see cref="ClassActivationMapTransformer"/>'s map and prepared-image columns hold them.</summary>
internal static class CamOverlays
{
    /// <summary>The blended image: 3 x H x W RGB in [0, 1].</summary>
    /// <param name="image">The image, 1 or 3 x H x W.</param>
    /// <param name="shape">Its shape.</param>
    /// <param name="map">The map, H x W, values in [0, 1].</param>
    /// <param name="imageWeight">Share of the image in the blend, in [0, 1]. Default 0.5.</param>
    /// <exception cref="ArgumentException">Sizes do not match, or a value is outside [0, 1].</exception>
    public static float[] Blend(ReadOnlySpan<float> image, ImageShape shape, ReadOnlySpan<float> map, float imageWeight = 0.5f)
    {
        PlanarImages.Check(image, shape, nameof(image));
        int plane = shape.Height * shape.Width;
        if (map.Length != plane)
            throw new ArgumentException($"A map over a {shape} image holds {plane} values; got {map.Length}.", nameof(map));
        if (!(imageWeight is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(imageWeight), imageWeight, "The image weight must be in [0, 1].");
        var result = new float[3 * plane];
        float max = 0;
        for (int i = 0; i < plane; i++)
        {
            if (!(map[i] is >= 0 and <= 1))
                throw new ArgumentException($"Map values must be in [0, 1]; got {map[i]} at {i}.", nameof(map));
            var (r, g, b) = HeatmapColors.Jet(map[i]);
            ReadOnlySpan<float> heat = [r, g, b];
            for (int c = 0; c < 3; c++)
            {
                float v = (1 - imageWeight) * heat[c] + imageWeight * image[(shape.Channels == 3 ? c : 0) * plane + i];
                result[c * plane + i] = v;
                max = Math.Max(max, v);
            }
        }
        if (max > 0)
            for (int i = 0; i < result.Length; i++)
                result[i] /= max;
        return result;
    }

    /// <summary>Saves the blend of <paramref name="map"/> over <paramref name="image"/> as a PNG of the image's size.</summary>
    /// <param name="image">The image, 1 or 3 x H x W, values in [0, 1].</param>
    /// <param name="shape">Its shape.</param>
    /// <param name="map">The map, H x W, values in [0, 1].</param>
    /// <param name="pngPath">The file to write; its folder is created when missing.</param>
    /// <param name="imageWeight">Share of the image in the blend, in [0, 1]. Default 0.5.</param>
    /// <exception cref="ArgumentException">Sizes do not match, a value is outside [0, 1], or the path is empty.</exception>
    public static void SaveOverlay(ReadOnlySpan<float> image, ImageShape shape, ReadOnlySpan<float> map, string pngPath,
        float imageWeight = 0.5f)
    {
        var blended = Blend(image, shape, map, imageWeight);
        string path = PngFiles.PreparePath(pngPath, nameof(pngPath));
        using var bitmap = PlanarImages.ToBitmap(blended, new ImageShape(3, shape.Height, shape.Width));
        using var file = File.Create(path);
        bitmap.Encode(file, SKEncodedImageFormat.Png, 100);
    }
}
