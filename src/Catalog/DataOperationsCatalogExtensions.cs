using Microsoft.ML.Runtime;
using MlNetTriplet;
using MlNetTriplet.Data;
using MlNetTriplet.Images;

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

    /// <summary>Splits <paramref name="data"/> into a training and a test set so that every label class keeps its
    /// share in both (scikit-learn's <c>train_test_split(stratify=y)</c>). ML.NET's <c>TrainTestSplit</c> samples rows
    /// by hash, so on a small or imbalanced data set the parts' class balance drifts and a rare class can vanish from
    /// one of them. Per class, a seeded shuffle puts the rounded <paramref name="testFraction"/> of its rows in the
    /// test set; both views keep the input's row order.</summary>
    /// <param name="catalog">The data catalog, <c>mlContext.Data</c>.</param>
    /// <param name="data">The data; it must give its rows in the same order every time it is read (a file loader or
    /// an in-memory view does). The label column is read once, now.</param>
    /// <param name="testFraction">Share of each class that goes to the test set, in (0, 1). Default 0.2.</param>
    /// <param name="labelColumnName">The column to stratify on, of any scalar type (text, Boolean, key, number).
    /// Default <c>"Label"</c>.</param>
    /// <param name="seed">Seed of the shuffle. Default null: drawn from the <c>MLContext</c>'s seed.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not in (0, 1), or the label
    /// column is missing.</exception>
    /// <exception cref="InvalidDataException">The data is empty, holds a single class, or a class has fewer than two
    /// rows (one part would have none of it).</exception>
    public static DataOperationsCatalog.TrainTestData StratifiedTrainTestSplit(this DataOperationsCatalog catalog,
        IDataView data, double testFraction = 0.2, string labelColumnName = "Label", int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(labelColumnName);
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "testFraction must be in (0, 1).");
        return StratifiedSplit.Split(data, testFraction, labelColumnName,
            seed ?? ((Microsoft.ML.Data.IInternalCatalog)catalog).Environment.Register("StratifiedSplit").Rand.Next());
    }

    // No optional parameters here: the overload below has them, and two overloads with optional parameters could not
    // grow compatibly (RS0026).
    /// <summary>Loads the usual image-folder layout (torchvision's <c>ImageFolder</c>): one sub-folder per class,
    /// holding that class's photos. Only paths are read; the trainers decode the photos batch by batch.</summary>
    /// <param name="catalog">The data catalog, <c>mlContext.Data</c>.</param>
    /// <param name="folder">The folder holding one sub-folder per class, e.g. <c>hymenoptera/train</c> with
    /// <c>ants/</c> and <c>bees/</c>.</param>
    /// <returns>A data view with two Text columns, <c>ImagePath</c> (the full path) and <c>Label</c> (the class folder
    /// name), ordered by class then by folder and file name (ordinal), so every load gives the same order. Images in
    /// nested folders of a class folder count for that class, as in torchvision; the extensions that count are what
    /// the trainers decode, <c>.jpg .jpeg .png .gif .bmp .webp</c> (the overload with a summary chooses both). Hidden
    /// files and folders (names starting with '.') are ignored; other files are skipped, counted and logged on the
    /// <c>MLContext</c>'s log.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="folder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is empty.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="folder"/> does not exist.</exception>
    /// <exception cref="InvalidDataException"><paramref name="folder"/> has no class sub-folders or no image file, or a
    /// class folder holds no image.</exception>
    public static IDataView LoadFromImageFolder(this DataOperationsCatalog catalog, string folder) =>
        LoadFromImageFolder(catalog, folder, out _);

    /// <summary>Loads the usual image-folder layout as
    /// <see cref="LoadFromImageFolder(DataOperationsCatalog, string)"/> does, choosing what counts as an image, and says
    /// what it found.</summary>
    /// <param name="catalog">The data catalog, <c>mlContext.Data</c>.</param>
    /// <param name="folder">The folder holding one sub-folder per class.</param>
    /// <param name="summary">The classes, the images per class and the files skipped for their extension.</param>
    /// <param name="recursive">Whether images in nested folders of a class folder count for that class, as
    /// torchvision's <c>ImageFolder</c> counts them. Default true.</param>
    /// <param name="imageExtensions">File extensions that count as images, compared case-insensitively, with or
    /// without the dot. Default null: what the trainers decode, <c>.jpg .jpeg .png .gif .bmp .webp</c>.</param>
    /// <param name="checkImages">Decode every image once (in parallel, at the smallest scale a JPEG allows) and leave
    /// out the ones that cannot be read (empty, truncated, not an image), listed in
    /// <see cref="ImageFolderSummary.UnreadableImages"/> and logged: one decision for every later pass over the photos
    /// (training, evaluation, explanations). Default false: the trainers check the photos they train on.</param>
    /// <returns>The <c>ImagePath</c> and <c>Label</c> Text columns.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="folder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="folder"/> or an extension is empty.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="folder"/> does not exist.</exception>
    /// <exception cref="InvalidDataException"><paramref name="folder"/> has no class sub-folders or no image file, a
    /// class folder holds no image (or, with <paramref name="checkImages"/>, no readable one).</exception>
    public static IDataView LoadFromImageFolder(this DataOperationsCatalog catalog, string folder,
        out ImageFolderSummary summary, bool recursive = true, IEnumerable<string>? imageExtensions = null,
        bool checkImages = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(folder);
        var (rows, found) = ImageFolderScanner.Scan(folder, recursive, imageExtensions, checkImages);
        var host = ((Microsoft.ML.Data.IInternalCatalog)catalog).Environment.Register("LoadFromImageFolder");
        using (var channel = host.Start("LoadFromImageFolder"))
        {
            channel.Info("{0}", found);
            if (found.SkippedFileCount > 0)
                channel.Warning("{0} file(s) in '{1}' skipped: their extension is not an image one ({2}...).",
                    found.SkippedFileCount, found.Folder, string.Join(", ", found.SkippedFiles.Select(f => $"'{f}'")));
            foreach (var bad in found.UnreadableImages)
                channel.Warning("Left out unreadable image '{0}': {1}.", bad.Path, bad.Reason);
        }
        summary = found;
        return catalog.LoadFromEnumerable(rows);
    }
}
