using MlNetTriplet.Backbones;

namespace MlNetTriplet.Export;

/// <summary>What an ONNX file of one of this package's networks says besides its nodes (its <c>metadata_props</c> and
/// the manifest): the input the network reads, its class names, and the preprocessing a caller must apply.</summary>
/// <param name="Kind">The transformer, e.g. "CnnClassifier", for messages and node names.</param>
/// <param name="InputColumn">The column the network reads (the input's name when the network is exported alone).</param>
/// <param name="RowShape">One row as the network takes it: C x H x W for images, the vector's length otherwise.</param>
/// <param name="ClassNames">The label values of a classifier's classes, in key order; null without them.</param>
/// <param name="Preprocessing">What the input must hold, exactly (what is inside the graph is said too).</param>
internal sealed record NetworkOnnxDescription(string Kind, string InputColumn, long[] RowShape,
    IReadOnlyList<string>? ClassNames, string Preprocessing)
{
    /// <summary>The preprocessing of a planar C x H x W input prepared from photos as training's evaluation did.</summary>
    public static string Photos(ImageShape shape, int resizeShorterSide, string insideTheGraph) =>
        $"Each photo's shorter side resized to {resizeShorterSide} pixels (bilinear with antialiasing, as PIL; torchvision " +
        $"Resize({resizeShorterSide})), the centre {shape.Height} x {shape.Width} cropped (CenterCrop), " +
        (shape.Channels == 1 ? "grey (PIL's L luma)" : "RGB") +
        $" scaled to [0, 1] (ToTensor), planar {shape}. {insideTheGraph}";

    /// <summary>The preprocessing of photos prepared for a pretrained backbone, whose own normalisation is in the graph.</summary>
    public static string BackbonePhotos(BackboneSpec backbone) => Photos(backbone.Geometry.Shape, backbone.ResizeShorterSide,
        backbone.Preprocessing == BackbonePreprocessing.CntkBgrMeanImage
            ? "The backbone's own normalisation is inside the graph: channels to BGR, x 255, minus CNTK's 224 x 224 mean image."
            : "The backbone's own normalisation is inside the graph: (x - ImageNet mean) / ImageNet std per channel.");

    /// <summary>The preprocessing of an input that is a vector column as the model was trained on it.</summary>
    public static string Vector(string column, long[] rowShape) => rowShape.Length == 1
        ? $"The {rowShape[0]} values of column '{column}' as the model was trained on them."
        : $"The values of column '{column}' as the model was trained on them: an image of {string.Join(" x ", rowShape)} " +
          "(channels x height x width), planar (ML.NET ExtractPixels with interleavePixelColors: false).";
}
