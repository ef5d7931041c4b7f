using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Checks;

namespace MlNetTriplet;

/// <summary>The layout of an image held in a flat <c>Vector&lt;Single&gt;</c> column: channels x height x width,
/// row-major, the layout of ML.NET's <c>ExtractPixels</c> with <c>interleavePixelColors: false</c>.</summary>
/// <param name="Channels">Colour channels (1 for grey, 3 for RGB).</param>
/// <param name="Height">Rows of pixels.</param>
/// <param name="Width">Columns of pixels.</param>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>The annotation kind under which <see cref="DataOperationsCatalogExtensions.LoadFromIdx"/> records the
    /// shape on its features column (a <c>Vector&lt;Int32, 3&gt;</c>: channels, height, width).</summary>
    public const string AnnotationKind = "MlNetTriplet.ImageShape";

    /// <summary>Number of values one image takes: <c>Channels * Height * Width</c>.</summary>
    public int Size => Channels * Height * Width;

    /// <summary>The shape as tensor dimensions: channels, height, width.</summary>
    internal long[] Dims => [Channels, Height, Width];

    /// <inheritdoc/>
    public override string ToString() => $"{Channels}x{Height}x{Width}";

    /// <summary>Throws when a dimension is not positive, naming the method argument <paramref name="what"/>.</summary>
    internal void Validate(string what)
    {
        if (Channels < 1 || Height < 1 || Width < 1)
            throw new ArgumentOutOfRangeException(what, $"{what} must have positive channels, height and width; got {this}.");
    }

    /// <summary>Throws when a dimension is not positive, naming the option <paramref name="option"/> through
    /// <paramref name="check"/>.</summary>
    internal void Validate(OptionChecks check, string option) =>
        check.Accepts(Channels >= 1 && Height >= 1 && Width >= 1, option, this, "positive channels, height and width");

    /// <summary>The shape recorded on a column under <see cref="AnnotationKind"/> (as
    /// <see cref="DataOperationsCatalogExtensions.LoadFromIdx"/> records it), or null when there is none or it is not a
    /// <c>Vector&lt;Int32, 3&gt;</c>.</summary>
    /// <param name="column">A column of a schema, e.g. <c>data.Schema["Features"]</c>.</param>
    public static ImageShape? FromAnnotations(DataViewSchema.Column column)
    {
        var annotation = column.Annotations.Schema.GetColumnOrNull(AnnotationKind);
        if (annotation is null || annotation.Value.Type is not VectorDataViewType { ItemType: NumberDataViewType, Size: 3 } t
            || t.ItemType.RawType != typeof(int))
            return null;
        VBuffer<int> values = default;
        column.Annotations.GetValue(AnnotationKind, ref values);
        var dense = values.DenseValues().ToArray();
        return new ImageShape(dense[0], dense[1], dense[2]);
    }

    /// <summary>Adds this shape as the <see cref="AnnotationKind"/> annotation.</summary>
    internal void AddTo(DataViewSchema.Annotations.Builder builder)
    {
        int[] values = [Channels, Height, Width];
        builder.Add(AnnotationKind, new VectorDataViewType(NumberDataViewType.Int32, 3),
            (ref VBuffer<int> dst) => dst = new VBuffer<int>(3, values));
    }
}
