namespace MlNetTriplet.Plots;

/// <summary>One picture of an <see cref="ImageGallery"/>: a planar image (1 or 3 x H x W, values in [0, 1], e.g. a
/// <see cref="CamOverlays.Blend"/> result), its caption (one line per <c>\n</c>) and optional boxes drawn over it.</summary>
/// <param name="Pixels">The image, C x H x W row-major.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Caption">Text under the image; <c>\n</c> starts a new line.</param>
internal sealed record GalleryImage(float[] Pixels, ImageShape Shape, string Caption)
{
    /// <summary>Rectangles drawn over the image, in its pixels. Default none.</summary>
    public IReadOnlyList<GalleryBox> Boxes { get; init; } = [];

    /// <summary>Draws the caption in red and frames the image in red (e.g. a wrong prediction). Default false.</summary>
    public bool Highlight { get; init; }
}

/// <summary>A rectangle drawn over a gallery image, in the image's pixels (origin top-left), e.g. the box column of
/// <see cref="ClassActivationMapTransformer"/> (x, y, width, height).</summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Width.</param>
/// <param name="Height">Height.</param>
/// <param name="Color">Outline colour as #rrggbb. Default white.</param>
internal readonly record struct GalleryBox(float X, float Y, float Width, float Height, string Color = "#ffffff");
