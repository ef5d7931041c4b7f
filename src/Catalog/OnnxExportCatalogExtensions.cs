using MlNetTriplet;
using MlNetTriplet.Export;

namespace Microsoft.ML;

/// <summary>ONNX export of this package's models, added to <see cref="MLContext.Model"/>. ML.NET's own
/// <c>mlContext.Model.ConvertToOnnx</c> (package Microsoft.ML.OnnxConverter) converts these pipelines too, networks
/// included; these calls write a file ready to serve.</summary>
public static class OnnxExportCatalogExtensions
{
    /// <summary>Converts a whole fitted pipeline with ML.NET's converter (ML.NET's featurizers convert themselves, this
    /// package's networks write their layers) and writes it to <paramref name="stream"/> ready to serve: only the
    /// output columns asked for, under their column names; only the input columns they need; a symbolic batch
    /// dimension "N"; class names, input shape and preprocessing in <c>metadata_props</c>.</summary>
    /// <param name="catalog">The model catalog, <c>mlContext.Model</c>.</param>
    /// <param name="model">A fitted pipeline holding at least one of this package's networks.</param>
    /// <param name="data">Data with the pipeline's input schema (its rows are not read).</param>
    /// <param name="stream">Where the ONNX model is written.</param>
    /// <param name="options">Opset and output columns; null for the defaults.</param>
    /// <returns>The graph's inputs, outputs, preprocessing and class names.</returns>
    /// <exception cref="NotSupportedException">A step cannot be written as ONNX (photo decoding inside a transformer,
    /// UMAP, class activation maps, a step ML.NET cannot convert before a network): the message names it and what
    /// can be exported instead.</exception>
    /// <exception cref="ArgumentException">The model holds none of this package's networks, or an output column does
    /// not exist.</exception>
    public static OnnxModelInfo ExportToOnnx(this ModelOperationsCatalog catalog, ITransformer model, IDataView data,
        Stream stream, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(stream);
        return OnnxExporter.Pipeline(catalog, model, data, stream, options ?? new OnnxExportOptions());
    }

    /// <summary>Writes this package's one network in <paramref name="model"/> alone, on its prepared input: the
    /// steps before it (image loading and resizing, featurizers) and the photo decoding a transformer does itself
    /// stay outside the graph. The input is named after the column the network reads and is float32
    /// [N, C, H, W] for an image network, [N, features] otherwise; <see cref="OnnxModelInfo.Preprocessing"/> says
    /// exactly what it must hold. The outputs are the transformer's columns.</summary>
    /// <param name="catalog">The model catalog, <c>mlContext.Model</c>.</param>
    /// <param name="model">A fitted transformer of this package, or a pipeline holding exactly one.</param>
    /// <param name="stream">Where the ONNX model is written.</param>
    /// <param name="options">Opset and output columns (the transformer's by default); null for the defaults.</param>
    /// <returns>The graph's input, outputs, preprocessing and class names.</returns>
    /// <exception cref="ArgumentException">The model holds none, or several, of this package's networks.</exception>
    public static OnnxModelInfo ExportNetworkToOnnx(this ModelOperationsCatalog catalog, ITransformer model, Stream stream,
        OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        return OnnxExporter.Network(catalog, model, stream, options ?? new OnnxExportOptions());
    }
}
