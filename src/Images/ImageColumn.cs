using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using MlNetTriplet.Data;

namespace MlNetTriplet.Images;

/// <summary>What an image input column holds.</summary>
internal enum ImageInputKind
{
    /// <summary>Text: paths of photo files, decoded here.</summary>
    Path,

    /// <summary>An ImageAnalytics image (<see cref="MLImage"/>, from <c>mlContext.Transforms.LoadImages</c>).</summary>
    Image,

    /// <summary>A <c>Vector&lt;Single&gt;</c> already prepared as C x H x W.</summary>
    Vector,
}

/// <summary>Schema checks of an image input column, in <see cref="SchemaChecks"/>' wording.</summary>
internal static class ImageColumn
{
    public static ImageInputKind Check(DataViewSchema.Column column, ImageShape shape, string role) => column.Type switch
    {
        TextDataViewType => ImageInputKind.Path,
        ImageDataViewType => ImageInputKind.Image,
        VectorDataViewType { ItemType: var item, Size: var size } when item == NumberDataViewType.Single && size == shape.Size
            => ImageInputKind.Vector,
        _ => throw Mismatch(column.Name, shape, $"{column.Type}", role),
    };

    /// <summary>The schema-shape twin of <see cref="Check(DataViewSchema.Column, ImageShape, string)"/> (a vector's
    /// size is not known there).</summary>
    public static void Check(SchemaShape.Column column, ImageShape shape, string role)
    {
        bool ok = column.Kind == SchemaShape.Column.VectorKind.Scalar
            ? column.ItemType is TextDataViewType or ImageDataViewType
            : column.Kind == SchemaShape.Column.VectorKind.Vector && column.ItemType == NumberDataViewType.Single;
        if (!ok)
            throw Mismatch(column.Name, shape, column.GetTypeString(), role);
    }

    private static ArgumentOutOfRangeException Mismatch(string name, ImageShape shape, string actual, string role) =>
        SchemaChecks.Mismatch(role, name,
            $"Text (image file paths), Image (mlContext.Transforms.LoadImages) or Vector<Single, {shape.Size}> (pixels as {shape}, e.g. from ExtractPixels)",
            actual);
}
