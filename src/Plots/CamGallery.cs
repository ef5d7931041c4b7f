using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Data;

namespace MlNetTriplet.Plots;

/// <summary>A gallery of class activation maps straight from scored data: each row's map blended over its image in
/// the jet colour map (as pytorch-grad-cam's <c>show_cam_on_image</c>), captioned with the true label, the predicted
/// label and its probability, wrong predictions in red, the map's box drawn when asked for. Without a map column it
/// shows the images alone, e.g. the misclassified photos as the network took them.</summary>
public static class CamGallery
{
    private const string BoxColour = "#39ff14";

    /// <summary>Reads <paramref name="data"/> (a classifier's <c>Score</c> and <c>PredictedLabel</c> when present, then
    /// a <see cref="ClassActivationMapTransformer"/>'s columns) and saves the selected rows as one PNG.</summary>
    /// <param name="data">Rows with the image and map columns, e.g. <c>maps.Transform(classifier.Transform(data))</c>.</param>
    /// <param name="pngPath">The file to write; its folder is created when missing.</param>
    /// <param name="options">Columns, selection and layout; null for the defaults.</param>
    /// <returns>The number of images drawn; with none selected (e.g. no wrong prediction) no file is written.</returns>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type (named in the message), an option is
    /// out of range, or an image holds values outside [0, 1].</exception>
    public static int Save(IDataView data, string pngPath, CamGalleryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var o = options ?? new CamGalleryOptions();
        o.Validate();
        var rows = Read(data, o);
        if (rows.Count == 0)
            return 0;
        ImageGallery.Save(rows, pngPath, o.Columns, o.Title, o.TileSize);
        return rows.Count;
    }

    private static List<GalleryImage> Read(IDataView data, CamGalleryOptions o)
    {
        var schema = data.Schema;
        var image = SchemaChecks.FindColumn(schema, o.ImageColumnName, "image");
        int imageSize = SchemaChecks.CheckFloatVector(image, "image");
        var shape = ImageShape.FromAnnotations(image) ?? throw SchemaChecks.Mismatch("image", image.Name,
            "a vector carrying its image shape (the map transformer's PreparedImageColumnName column)", "no shape annotation");
        if (shape.Size != imageSize)
            throw SchemaChecks.Mismatch("image", image.Name, $"Vector<Single, {shape.Size}> holding {shape} images", $"Vector<Single, {imageSize}>");
        var map = o.MapColumnName is null ? (DataViewSchema.Column?)null : SchemaChecks.FindColumn(schema, o.MapColumnName, "map");
        if (map is { } m)
            SchemaChecks.CheckFloatVector(m, "map", shape.Height * shape.Width);
        var box = o.BoxColumnName is null ? (DataViewSchema.Column?)null : SchemaChecks.FindColumn(schema, o.BoxColumnName, "box");
        if (box is { } b)
            SchemaChecks.CheckFloatVector(b, "box", 4);
        var label = o.LabelColumnName is null ? (DataViewSchema.Column?)null : SchemaChecks.FindColumn(schema, o.LabelColumnName, "label");
        // ML.NET's classifier output names (its DefaultColumnNames, internal to ML.NET).
        var predicted = schema.GetColumnOrNull("PredictedLabel");
        var score = schema.GetColumnOrNull("Score");
        if (label is { } l && LabelTexts.Names(l) is null)
            throw SchemaChecks.Mismatch("label", l.Name, "a key or text column", $"{l.Type}");
        var predictedNames = predicted is { } p ? LabelTexts.Names(p) : null;
        if (o.Selection != CamGallerySelection.All && predictedNames is null)
            throw new ArgumentException($"Selection {o.Selection} needs the classifier's PredictedLabel key column in the data.",
                nameof(data));

        var columns = new[] { image }.Concat(new[] { map, box, label, predicted, score }.OfType<DataViewSchema.Column>());
        using var cursor = data.GetRowCursor(columns);
        var getImage = cursor.GetGetter<VBuffer<float>>(image);
        var getMap = map is { } mc ? cursor.GetGetter<VBuffer<float>>(mc) : null;
        var getBox = box is { } bc ? cursor.GetGetter<VBuffer<float>>(bc) : null;
        var getLabel = label is { } lc ? LabelTexts.Getter(cursor, lc) : null;
        var getPredicted = predicted is { } pc && predictedNames is not null ? LabelTexts.Getter(cursor, pc) : null;
        var getScore = score is { Type: VectorDataViewType } sc ? cursor.GetGetter<VBuffer<float>>(sc) : null;
        var predictedKey = predicted is { } pk && predictedNames is not null ? cursor.GetGetter<uint>(pk) : null;
        VBuffer<float> pixels = default, values = default, boxValues = default, scores = default;
        var tiles = new List<GalleryImage>();
        while (tiles.Count < o.MaxImages && cursor.MoveNext())
        {
            string? truth = getLabel?.Invoke();
            string? guess = getPredicted?.Invoke();
            bool wrong = truth is not null && guess is not null && truth != guess;
            if (o.Selection == CamGallerySelection.Correct && wrong || o.Selection == CamGallerySelection.Wrong && !wrong)
                continue;
            getImage(ref pixels);
            var tile = pixels.DenseValues().ToArray();
            if (getMap is not null)
            {
                getMap(ref values);
                tile = CamOverlays.Blend(tile, shape, values.DenseValues().ToArray(), o.ImageWeight);
            }
            var caption = new List<string>();
            if (truth is not null)
                caption.Add($"true {truth}");
            if (guess is not null)
            {
                uint key = 0;
                predictedKey!(ref key);
                getScore?.Invoke(ref scores);
                caption.Add(getScore is null || key == 0 || key > scores.Length ? $"pred {guess}"
                    : string.Create(CultureInfo.InvariantCulture, $"pred {guess} {scores.GetItemOrDefault((int)key - 1):F2}"));
            }
            IReadOnlyList<GalleryBox> boxes = [];
            if (getBox is not null)
            {
                getBox(ref boxValues);
                var v = boxValues.DenseValues().ToArray();
                boxes = v[2] > 0 && v[3] > 0 ? [new GalleryBox(v[0], v[1], v[2], v[3], BoxColour)] : [];
            }
            var tileShape = getMap is null ? shape : new ImageShape(3, shape.Height, shape.Width);
            tiles.Add(new GalleryImage(tile, tileShape, string.Join('\n', caption))
            {
                Boxes = boxes, Highlight = wrong,
            });
        }
        return tiles;
    }
}
