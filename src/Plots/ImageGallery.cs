using SkiaSharp;

namespace MlNetTriplet.Plots;

/// <summary>A grid of images with a caption under each (photos with their labels, class activation map overlays with
/// the true and predicted class), saved as one PNG. Small images are enlarged by a whole factor without smoothing, so
/// their pixels stay sharp; large ones are reduced smoothly to the tile size.</summary>
internal static class ImageGallery
{
    private const float CaptionSize = 14, TitleSize = 20, Gap = 12;
    private const int DefaultTile = 192, MaximumColumns = 8;

    /// <summary>Saves <paramref name="images"/> as a grid in one PNG.</summary>
    /// <param name="images">The images, in reading order; they may differ in size and channels.</param>
    /// <param name="pngPath">The file to write; its folder is created when missing.</param>
    /// <param name="columns">Images per row. Default 0: about the square root of the count, at most 8.</param>
    /// <param name="title">Text above the grid; none when null or blank.</param>
    /// <param name="tileSize">Side of the square each image is fitted into, in pixels (at least 16). Default 0: 192.</param>
    /// <exception cref="ArgumentException">No image, an image whose values or size are wrong, a box colour that is not
    /// #rrggbb, a negative column count, a tile under 16 pixels, or an empty path.</exception>
    public static void Save(IReadOnlyList<GalleryImage> images, string pngPath, int columns = 0, string? title = null,
        int tileSize = 0)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
            throw new ArgumentException("A gallery needs at least one image.", nameof(images));
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i] ?? throw new ArgumentException($"Image {i} is null.", nameof(images));
            PlanarImages.Check(image.Pixels, image.Shape, $"{nameof(images)}[{i}]");
            foreach (var box in image.Boxes)
                if (!SKColor.TryParse(box.Color, out _))
                    throw new ArgumentException($"Image {i} has a box coloured '{box.Color}'; expected #rrggbb.", nameof(images));
        }
        if (columns < 0)
            throw new ArgumentOutOfRangeException(nameof(columns), columns, "The column count must be 0 (automatic) or positive.");
        if (tileSize != 0 && tileSize < 16)
            throw new ArgumentOutOfRangeException(nameof(tileSize), tileSize, "The tile size must be 0 (automatic) or at least 16.");
        string path = PngFiles.PreparePath(pngPath, nameof(pngPath));

        int tile = tileSize == 0 ? DefaultTile : tileSize;
        int cols = columns > 0 ? columns : Math.Min(MaximumColumns, (int)Math.Ceiling(Math.Sqrt(images.Count)));
        int rows = (images.Count + cols - 1) / cols;
        using var typeface = SKTypeface.FromFamilyName(PngFiles.SansSerifFamily.Value);
        using var captionFont = new SKFont(typeface, CaptionSize);
        using var captionPaint = new SKPaint { IsAntialias = true };
        int lines = images.Max(i => i.Caption.Split('\n').Length);
        float lineHeight = CaptionSize * 1.3f;
        float cellHeight = tile + 6 + lines * lineHeight;
        float top = string.IsNullOrWhiteSpace(title) ? Gap : Gap + TitleSize * 1.6f;
        int width = (int)Math.Ceiling(Gap + cols * (tile + Gap));
        int height = (int)Math.Ceiling(top + rows * (cellHeight + Gap));

        using var bitmap = new SKBitmap(width, height);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        if (!string.IsNullOrWhiteSpace(title))
        {
            using var titleFont = new SKFont(typeface, TitleSize) { Embolden = true };
            using var titlePaint = new SKPaint { IsAntialias = true, Color = SKColors.Black };
            canvas.DrawText(Fit(title, titleFont, width - 2 * Gap), Gap, Gap + TitleSize, SKTextAlign.Left, titleFont, titlePaint);
        }
        for (int i = 0; i < images.Count; i++)
        {
            float x = Gap + i % cols * (tile + Gap), y = top + i / cols * (cellHeight + Gap);
            DrawTile(canvas, images[i], new SKRect(x, y, x + tile, y + tile));
            captionPaint.Color = images[i].Highlight ? new SKColor(0xc6, 0x28, 0x28) : new SKColor(0x21, 0x21, 0x21);
            var captionLines = images[i].Caption.Split('\n');
            for (int l = 0; l < captionLines.Length; l++)
                canvas.DrawText(Fit(captionLines[l], captionFont, tile), x, y + tile + 4 + (l + 1) * lineHeight - 4,
                    SKTextAlign.Left, captionFont, captionPaint);
        }
        using var file = File.Create(path);
        bitmap.Encode(file, SKEncodedImageFormat.Png, 100);
    }

    /// <summary>Draws the image centred in <paramref name="cell"/>, scaled to fit, with its boxes and frame.</summary>
    private static void DrawTile(SKCanvas canvas, GalleryImage image, SKRect cell)
    {
        using var bitmap = PlanarImages.ToBitmap(image.Pixels, image.Shape);
        float fit = Math.Min(cell.Width / image.Shape.Width, cell.Height / image.Shape.Height);
        // Whole-number enlargements keep each pixel a sharp square; anything else is resampled smoothly.
        float scale = fit >= 1 ? MathF.Floor(fit) : fit;
        float w = image.Shape.Width * scale, h = image.Shape.Height * scale;
        var target = SKRect.Create(cell.MidX - w / 2, cell.MidY - h / 2, w, h);
        using (var picture = SKImage.FromBitmap(bitmap))
            canvas.DrawImage(picture, target, fit >= 1 ? new SKSamplingOptions(SKFilterMode.Nearest)
                : new SKSamplingOptions(SKCubicResampler.Mitchell));
        foreach (var box in image.Boxes)
        {
            var rect = SKRect.Create(target.Left + box.X * scale, target.Top + box.Y * scale, box.Width * scale, box.Height * scale);
            using var shadow = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 4, Color = SKColors.Black.WithAlpha(140), IsAntialias = true };
            using var outline = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 2, Color = SKColor.Parse(box.Color), IsAntialias = true };
            canvas.DrawRect(rect, shadow);
            canvas.DrawRect(rect, outline);
        }
        if (image.Highlight)
        {
            using var frame = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 3, Color = new SKColor(0xc6, 0x28, 0x28) };
            canvas.DrawRect(SKRect.Inflate(target, 1.5f, 1.5f), frame);
        }
    }

    /// <summary>The text, cut with an ellipsis when wider than <paramref name="width"/>.</summary>
    private static string Fit(string text, SKFont font, float width)
    {
        if (font.MeasureText(text) <= width)
            return text;
        int length = text.Length;
        while (length > 0 && font.MeasureText(text[..length] + "…") > width)
            length--;
        return text[..length] + "…";
    }
}
