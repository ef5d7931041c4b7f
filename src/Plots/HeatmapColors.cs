namespace MlNetTriplet.Plots;

/// <summary>The jet colour map (dark blue at 0, through cyan, yellow, to dark red at 1), the look of
/// pytorch-grad-cam's <c>show_cam_on_image</c> (OpenCV's COLORMAP_JET), as red, green and blue in [0, 1].</summary>
internal static class HeatmapColors
{
    public static (float R, float G, float B) Jet(float value)
    {
        float v = Math.Clamp(value, 0, 1) * 4;
        return (Ramp(v - 3), Ramp(v - 2), Ramp(v - 1));
    }

    // 1.5 - |x| clipped to [0, 1]: a trapezoid one unit wide at the top, centred on 0.
    private static float Ramp(float x) => Math.Clamp(1.5f - Math.Abs(x), 0, 1);
}
