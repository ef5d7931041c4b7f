using MlNetTriplet.Checks;

namespace MlNetTriplet.Plots;

/// <summary>Which rows a <see cref="CamGallery"/> shows.</summary>
public enum CamGallerySelection
{
    /// <summary>Rows in order.</summary>
    All,
    /// <summary>Rows whose predicted label equals the true label.</summary>
    Correct,
    /// <summary>Rows whose predicted label differs from the true label.</summary>
    Wrong,
}

/// <summary>Options of <see cref="CamGallery.Save"/>: the columns it reads and how the grid looks.</summary>
public sealed class CamGalleryOptions
{
    /// <summary>The image the map lies over: the <see cref="ClassActivationMapOptions.PreparedImageColumnName"/> column
    /// (or the classifier's own vector input when it is an image in [0, 1]). Default <c>"PreparedImage"</c>.</summary>
    public string ImageColumnName { get; set; } = "PreparedImage";

    /// <summary>The map column; null shows the images without a map. Default <c>"ActivationMap"</c>.</summary>
    public string? MapColumnName { get; set; } = "ActivationMap";

    /// <summary>The true label (a key or text column), shown as "true ..." and needed by
    /// <see cref="CamGallerySelection.Correct"/> and <see cref="CamGallerySelection.Wrong"/>; null to leave it out.
    /// Default <c>"Label"</c>.</summary>
    public string? LabelColumnName { get; set; } = "Label";

    /// <summary>The box column to draw (the transformer's <see cref="ClassActivationMapOptions.BoxColumnName"/>); null
    /// draws none. Default null.</summary>
    public string? BoxColumnName { get; set; }

    /// <summary>Which rows. Default <see cref="CamGallerySelection.All"/>.</summary>
    public CamGallerySelection Selection { get; set; } = CamGallerySelection.All;

    /// <summary>Images at most; reading stops once they are found. Default 24.</summary>
    public int MaxImages { get; set; } = 24;

    /// <summary>Images per row; 0 for about the square root of the count. Default 0.</summary>
    public int Columns { get; set; }

    /// <summary>Side of each image's square in pixels; 0 for 192. Default 0.</summary>
    public int TileSize { get; set; }

    /// <summary>Share of the image in the overlay, in [0, 1]. Default 0.5.</summary>
    public float ImageWeight { get; set; } = 0.5f;

    /// <summary>Text above the grid; none when null. Default null.</summary>
    public string? Title { get; set; }

    internal void Validate()
    {
        var check = OptionChecks.For(this);
        check.ColumnName(ImageColumnName, nameof(ImageColumnName));
        check.ColumnName(MapColumnName, nameof(MapColumnName), optional: true);
        check.ColumnName(LabelColumnName, nameof(LabelColumnName), optional: true);
        check.ColumnName(BoxColumnName, nameof(BoxColumnName), optional: true);
        check.Defined(Selection, nameof(Selection));
        check.Compatible(Selection == CamGallerySelection.All || LabelColumnName is not null, nameof(Selection), Selection,
            nameof(LabelColumnName), LabelColumnName, "a LabelColumnName to compare with, or Selection All");
        check.Accepts(MaxImages >= 1, nameof(MaxImages), MaxImages, "at least 1");
        check.Accepts(Columns >= 0, nameof(Columns), Columns, "0 (automatic) or more");
        check.Accepts(TileSize == 0 || TileSize >= 16, nameof(TileSize), TileSize, "0 (192 pixels) or at least 16");
        check.Accepts(ImageWeight is >= 0 and <= 1, nameof(ImageWeight), ImageWeight, "a number in [0, 1]");
    }
}
