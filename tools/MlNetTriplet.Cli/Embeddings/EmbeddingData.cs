using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Image;
using MlNetTriplet.Cli.Commands;
using MlNetTriplet.Cli.Images;
using MlNetTriplet.Cli.Running;
using MlNetTriplet.Examples;
using SkiaSharp;

namespace MlNetTriplet.Cli.Embeddings;

/// <summary>The network an embeddings run trains (--network).</summary>
internal enum EmbeddingNetwork
{
    /// <summary>A small CNN trained from scratch on the pixels: IDX files, or small images of a class folder.</summary>
    Cnn,

    /// <summary>The ImageNet ResNet-18, frozen, with an embedding head trained on class-balanced batches: photos.</summary>
    ResNet18,
}

/// <summary>The images of an embeddings run, from MNIST-format IDX files or from a folder of images by class:
/// <c>Train</c> (the training classes' training images, with a key <c>LabelKey</c>) and <c>Test</c> (the images
/// retrieval is measured on: the test images, or with held-out classes only theirs), both with the class name in
/// <c>Class</c>, the network's input (<c>Features</c>, planar pixels in [0, 1], for the CNN; <c>ImagePath</c> for the
/// ResNet-18) and an id per row (the file path; for IDX files the file and the row).</summary>
/// <param name="Source">The dataset folder, full path.</param>
/// <param name="Layout">Where the training and test images come from, in words.</param>
/// <param name="Network">What trains on them.</param>
/// <param name="FromIdx">Whether the images came from IDX files (no image files to show: thumbnails come from the pixels).</param>
/// <param name="Train">Training rows (the training classes only).</param>
/// <param name="Test">The rows retrieval is measured on (never trained on).</param>
/// <param name="TrainIds">Each training row's id, in row order.</param>
/// <param name="TestIds">Each test row's id, in row order.</param>
/// <param name="Classes">Every class name in sorted order (IDX: by label; folders: ordinal); the last
/// <paramref name="HeldOutClasses"/> are never trained on.</param>
/// <param name="HeldOutClasses">How many classes --holdout-classes left out of training (0 without it).</param>
/// <param name="Shape">Channels x height x width the network sees.</param>
/// <param name="ImageLoading">For the CNN, the ImageAnalytics transforms from an <c>ImagePath</c> column to
/// <c>Features</c>, saved in front of the network so the model takes image paths; null for the ResNet-18, which reads
/// the paths itself.</param>
internal sealed record EmbeddingData(string Source, string Layout, EmbeddingNetwork Network, bool FromIdx,
    IDataView Train, IDataView Test, IReadOnlyList<string> TrainIds, IReadOnlyList<string> TestIds,
    IReadOnlyList<string> Classes, int HeldOutClasses, ImageShape Shape, IEstimator<ITransformer>? ImageLoading)
{
    public const string FeaturesColumn = "Features";
    public const string PathColumn = "ImagePath";
    public const string KeyColumn = "LabelKey";
    public const string ClassColumn = "Class";
    private const int MaxFolderImageSide = 64;

    /// <summary>The column the network reads.</summary>
    public string InputColumn => Network == EmbeddingNetwork.ResNet18 ? PathColumn : FeaturesColumn;

    /// <summary>The classes training sees, in sorted order.</summary>
    public IReadOnlyList<string> TrainingClasses => Trained(Classes, HeldOutClasses).ToList();

    /// <summary>The classes --holdout-classes left out of training (none without it).</summary>
    public IReadOnlyList<string> HeldOut => Classes.Skip(Classes.Count - HeldOutClasses).ToList();

    /// <summary>IDX files when the folder holds any (the CNN), else a folder of images by class (the ResNet-18 unless
    /// <paramref name="network"/> asks for the CNN). With <paramref name="holdOut"/>, the last classes are left out of
    /// training and retrieval is measured among their test images.</summary>
    /// <exception cref="InputException">The dataset or a flag does not fit (checked before any training).</exception>
    public static EmbeddingData Load(RunContext run, string dataset, EmbeddingNetwork? network, int? imageSide, int? holdOut)
    {
        string full = Path.GetFullPath(dataset);
        if (File.Exists(full))
            throw new InputException($"--dataset '{full}' is a file: give a folder of IDX files (train-images-idx3-ubyte.gz and the three others) or a folder with one sub-folder of images per class.");
        if (!Directory.Exists(full))
            throw new InputException($"Dataset folder '{full}' does not exist: give a folder of IDX files or a folder with one sub-folder of images per class.");
        if (Directory.GetFiles(full).Any(f => Path.GetFileName(f).Contains("-ubyte", StringComparison.Ordinal)))
        {
            if (network == EmbeddingNetwork.ResNet18)
                throw new InputException($"--network resnet18 reads photo files, and '{full}' holds IDX files (pixels, no files): leave --network out (IDX files train the CNN), or give a folder with one sub-folder of photos per class.");
            return ReadIdx(run, full, holdOut);
        }
        var chosen = network ?? EmbeddingNetwork.ResNet18;
        if (chosen == EmbeddingNetwork.ResNet18 && imageSide is not null)
            throw new InputException($"--image-size is for --network cnn: the ResNet-18 takes every photo resized and centre-cropped to 224 x 224 (got --image-size {imageSide} without --network cnn).");
        return ReadFolder(run, full, chosen, imageSide, holdOut);
    }

    private static EmbeddingData ReadIdx(RunContext run, string folder, int? holdOut)
    {
        var ml = run.Ml;
        var files = DataFiles.Find(folder, out var missing)
            ?? throw new InputException($"IDX folder '{folder}' lacks {string.Join(", ", missing)}: it needs the training and test (t10k) images and labels.");
        int maxRows = run.Settings.MaxRows ?? 0;
        var train = ml.Data.LoadFromIdx(files.TrainImages, files.TrainLabels, maxRows);
        var test = ml.Data.LoadFromIdx(files.TestImages, files.TestLabels, maxRows);
        var names = ClassNames.Guess(folder);
        var labels = train.GetColumn<uint>("Label").Distinct().Order().ToArray();
        var classes = labels.Select(id => ClassNames.Of(id, names)).ToList();
        int heldOut = CheckHoldOut(holdOut, classes, folder);
        var naming = ml.Transforms.Conversion.MapValue(ClassColumn,
            labels.Zip(classes, (id, name) => new KeyValuePair<uint, string>(id, name)), "Label").Fit(train);
        var (trainRows, trainIds) = Select(ml, naming.Transform(train), Trained(classes, heldOut),
            row => $"{Path.GetFileName(files.TrainImages)} image {row}");
        var (testRows, testIds) = Select(ml, naming.Transform(test), Measured(classes, heldOut),
            row => $"{Path.GetFileName(files.TestImages)} image {row}");
        var shape = MlNetTriplet.ImageShape.FromAnnotations(train.Schema[FeaturesColumn])
            ?? throw new InvalidDataException($"The IDX images in '{folder}' have no recorded shape.");
        return new EmbeddingData(folder, $"IDX files: {Path.GetFileName(files.TrainImages)} for training, {Path.GetFileName(files.TestImages)} for testing",
            EmbeddingNetwork.Cnn, FromIdx: true, Keys(ml, trainRows).Transform(trainRows), testRows, trainIds, testIds, classes, heldOut,
            shape, PixelsFromFiles(ml, shape));
    }

    private static EmbeddingData ReadFolder(RunContext run, string folder, EmbeddingNetwork network, int? imageSide, int? holdOut)
    {
        var ml = run.Ml;
        var images = ImageDataset.Load(run, folder);
        if (images.UnreadableLine() is { } unreadable)
            run.Console.Line(unreadable);
        var classes = images.Classes;
        int heldOut = CheckHoldOut(holdOut, classes, images.Folder);
        var naming = ml.Transforms.CopyColumns(ClassColumn, "Label").Fit(images.Train);
        var trainPaths = images.Train.GetColumn<string>(PathColumn).ToList();
        var testPaths = images.Validation.GetColumn<string>(PathColumn).ToList();
        var (train, trainIds) = Select(ml, naming.Transform(images.Train), Trained(classes, heldOut), row => trainPaths[row]);
        var (test, testIds) = Select(ml, naming.Transform(images.Validation), Measured(classes, heldOut), row => testPaths[row]);
        train = Keys(ml, train).Transform(train);
        if (network == EmbeddingNetwork.ResNet18)
            return new EmbeddingData(images.Folder, images.Layout + "; photos resized (shorter side 256) and centre-cropped to 224 x 224 for the ResNet-18",
                network, FromIdx: false, train, test, trainIds, testIds, classes, heldOut, new ImageShape(3, 224, 224), ImageLoading: null);

        var (side, grey) = Inspect(trainIds.Take(20).ToList(), imageSide);
        var shape = new ImageShape(grey ? 1 : 3, side, side);
        var loading = PixelsFromFiles(ml, shape);
        var pixels = loading.Fit(train);
        // Decoded once: the estimator reads the training images in one pass, the evaluation the test images in another.
        return new EmbeddingData(images.Folder, images.Layout + $"; images resized to {side} x {side}{(grey ? ", grey" : "")}",
            network, FromIdx: false, ml.Data.Cache(pixels.Transform(train)), ml.Data.Cache(pixels.Transform(test)), trainIds, testIds,
            classes, heldOut, shape, loading);
    }

    /// <summary>--holdout-classes checked against the classes found: two held out (retrieval needs negatives) and two
    /// left to train on (triplets need negatives too).</summary>
    private static int CheckHoldOut(int? holdOut, IReadOnlyList<string> classes, string folder)
    {
        if (holdOut is not int n)
            return 0;
        if (classes.Count - n < 2)
            throw new InputException($"--holdout-classes {n} leaves {Math.Max(0, classes.Count - n)} of the {classes.Count} classes in '{folder}' to train on: " +
                (classes.Count >= 4 ? $"give 2 to {classes.Count - 2} (at least 2 classes must remain for training)." : "holding classes out needs at least 4 (2 held out, 2 to train on)."));
        return n;
    }

    /// <summary>The classes training sees: all but the held-out ones (the last in sorted order).</summary>
    private static IEnumerable<string> Trained(IReadOnlyList<string> classes, int heldOut) => classes.Take(classes.Count - heldOut);

    /// <summary>The classes retrieval is measured on: the held-out ones, or all.</summary>
    private static IEnumerable<string> Measured(IReadOnlyList<string> classes, int heldOut) =>
        heldOut == 0 ? classes : classes.Skip(classes.Count - heldOut);

    /// <summary>The rows of <paramref name="view"/> whose class is one of <paramref name="classes"/>, and their ids
    /// (<paramref name="id"/> of the row's position in <paramref name="view"/>).</summary>
    private static (IDataView Rows, IReadOnlyList<string> Ids) Select(MLContext ml, IDataView view, IEnumerable<string> classes,
        Func<int, string> id)
    {
        var keep = classes.ToHashSet(StringComparer.Ordinal);
        var rowClasses = view.GetColumn<string>(ClassColumn).ToList();
        var kept = Enumerable.Range(0, rowClasses.Count).Where(row => keep.Contains(rowClasses[row])).ToList();
        var rows = kept.Count == rowClasses.Count ? view
            : ml.Data.FilterByCustomPredicate<ClassRow>(view, row => !keep.Contains(row.Class));   // true drops the row
        return (rows, kept.Select(id).ToList());
    }

    /// <summary>Image file to planar pixels in [0, 1]: the IDX files' layout, so a model trained on IDX data takes image
    /// files too (a grey PNG of an IDX image gives back its exact values).</summary>
    private static IEstimator<ITransformer> PixelsFromFiles(MLContext ml, ImageShape shape)
    {
        IEstimator<ITransformer> chain = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: PathColumn)
            .Append(ml.Transforms.ResizeImages("Image", shape.Width, shape.Height));
        if (shape.Channels == 1)
            chain = chain.Append(ml.Transforms.ConvertToGrayscale("Image"));
        // The decoded image is dropped once its pixels are out: a cache of the rows would otherwise hold every bitmap.
        return chain.Append(ml.Transforms.ExtractPixels(FeaturesColumn, "Image",
                shape.Channels == 1 ? ImagePixelExtractingEstimator.ColorBits.Red : ImagePixelExtractingEstimator.ColorBits.Rgb,
                interleavePixelColors: false, scaleImage: 1f / 255))
            .Append(ml.Transforms.DropColumns("Image"));
    }

    /// <summary>The side images are resized to, and whether they are all grey, from a few of them.</summary>
    private static (int Side, bool Grey) Inspect(IReadOnlyList<string> paths, int? imageSide)
    {
        int? firstSide = null;
        bool grey = true;
        foreach (string path in paths)
        {
            using var bitmap = SKBitmap.Decode(path);
            if (bitmap is null)
                continue;
            firstSide ??= Math.Max(bitmap.Width, bitmap.Height);
            for (int y = 0; y < bitmap.Height && grey; y += Math.Max(1, bitmap.Height / 16))
                for (int x = 0; x < bitmap.Width && grey; x += Math.Max(1, bitmap.Width / 16))
                {
                    var c = bitmap.GetPixel(x, y);
                    grey = c.Red == c.Green && c.Green == c.Blue;
                }
        }
        if (firstSide is null)
            throw new InputException($"None of the first {paths.Count} images could be decoded (e.g. '{paths.FirstOrDefault()}'): give JPEG, PNG, GIF, BMP or WebP files.");
        return (imageSide ?? Math.Min(MaxFolderImageSide, firstSide.Value), grey);
    }

    /// <summary>The training key, over the training classes only, in the labels' sorted order.</summary>
    private static ITransformer Keys(MLContext ml, IDataView train) =>
        ml.Transforms.Conversion.MapValueToKey(KeyColumn, "Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(train);

    private sealed class ClassRow
    {
        public string Class { get; set; } = "";
    }
}
