using MlNetTriplet;

namespace Microsoft.ML;

/// <summary>Loaders added to <see cref="MLContext.Data"/>.</summary>
public static class DataOperationsCatalogExtensions
{
    /// <summary>Loads an image data set stored as a pair of IDX files (the MNIST / Fashion-MNIST format), each
    /// gzip-compressed or raw, detected by content.</summary>
    /// <param name="catalog">The data catalog, <c>mlContext.Data</c>.</param>
    /// <param name="imagesPath">The IDX images file (magic number 2051), e.g. <c>t10k-images-idx3-ubyte.gz</c>.</param>
    /// <param name="labelsPath">The IDX labels file (magic number 2049) holding one label per image.</param>
    /// <param name="maxRows">Load only the first <paramref name="maxRows"/> images and labels; 0 loads all.</param>
    /// <returns>An in-memory data view with two columns: <c>Label</c> (UInt32, the class id as stored) and
    /// <c>Features</c> (<c>Vector&lt;Single, rows*cols&gt;</c>, pixels divided by 255 into [0, 1], row-major) whose
    /// annotations carry the 1 x rows x cols <see cref="ImageShape"/> under <see cref="ImageShape.AnnotationKind"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or a path is null.</exception>
    /// <exception cref="ArgumentException">A path is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRows"/> is negative.</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is not a valid IDX file of its kind (wrong magic number,
    /// truncated, zero rows or columns, corrupt gzip stream) or the two files hold different counts.</exception>
    public static IDataView LoadFromIdx(this DataOperationsCatalog catalog, string imagesPath, string labelsPath, int maxRows = 0)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(imagesPath);
        ArgumentException.ThrowIfNullOrEmpty(labelsPath);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRows);
        return IdxReader.Load(imagesPath, labelsPath, maxRows);
    }
}
