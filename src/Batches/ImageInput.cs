using Microsoft.ML;
using MlNetTriplet.Images;

namespace MlNetTriplet.Batches;

/// <summary>A photo column as a batched transformer's input: file paths (decoded a batch at a time, in parallel),
/// ImageAnalytics images, or vectors already prepared as the network's C x H x W input, all brought to
/// <paramref name="geometry"/> the way the network was trained.</summary>
internal sealed class ImageInput(string name, ImageGeometry geometry) : IInputColumn
{
    private const string ImageRole = "image";

    public string Name => name;
    public string Role => ImageRole;
    public int Width => geometry.Shape.Size;
    public ImageGeometry Geometry => geometry;

    public void Check(DataViewSchema.Column column) => ImageColumn.Check(column, geometry.Shape, ImageRole);

    public IColumnReader Bind(DataViewRow row, DataViewSchema.Column column, RowBuffer rows, string? dataName = null) =>
        ImageColumn.Check(column, geometry.Shape, ImageRole) == ImageInputKind.Vector
            ? new VectorInput(name, ImageRole, Width).Bind(row, column, rows, dataName)
            : new ImageColumnReader(row, column, new ImagePreparation(geometry), epoch: 0, rows, ImageWorkers.Alone, dataName);
}
