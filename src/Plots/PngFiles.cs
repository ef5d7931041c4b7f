using SkiaSharp;

namespace MlNetTriplet.Plots;

/// <summary>What every PNG plot of the package shares: the font, the output path and the size checks.</summary>
internal static class PngFiles
{
    public const int MinimumSize = 100;

    // OxyPlot asks for "Segoe UI" by default; where that is missing (Linux) Skia falls back to whatever face it finds
    // first, which can be a serif one. The first sans-serif family installed is used instead.
    public static readonly Lazy<string?> SansSerifFamily = new(() =>
    {
        var installed = SKFontManager.Default.FontFamilies.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new[] { "Segoe UI", "Helvetica Neue", "Helvetica", "Arial", "DejaVu Sans", "Liberation Sans", "Noto Sans" }
            .FirstOrDefault(installed.Contains);
    });

    /// <summary>The full path of <paramref name="pngPath"/>, its folder created.</summary>
    public static string PreparePath(string pngPath, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(pngPath, parameterName);
        if (string.IsNullOrWhiteSpace(pngPath))
            throw new ArgumentException("The PNG path is empty.", parameterName);
        string full = Path.GetFullPath(pngPath);
        string? folder = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(folder))
            Directory.CreateDirectory(folder);
        return full;
    }

    public static void CheckSize(int pixels, string parameterName)
    {
        if (pixels < MinimumSize)
            throw new ArgumentOutOfRangeException(parameterName, pixels,
                $"The image {parameterName} must be at least {MinimumSize} pixels.");
    }
}
