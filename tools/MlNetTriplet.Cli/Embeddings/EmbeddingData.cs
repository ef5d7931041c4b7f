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

/// <summary>Images for triplet training: <c>Features</c> (planar pixels in [0, 1]) and a key <c>LabelKey</c>, for
/// training and for testing, from MNIST-format IDX files or from a folder of images by class; and the ML.NET image
/// transforms that turn an image file into the same <c>Features</c>, saved in front of the network so the model takes
/// image paths.</summary>
/// <param name="Source">The dataset folder, full path.</param>
/// <param name="Layout">Where the training and test images come from, in words.</param>
/// <param name="Train">Training rows.</param>
/// <param name="Test">Test rows (never trained on).</param>
/// <param name="Shape">Channels x height x width of <c>Features</c>.</param>
/// <param name="ClassNames">Display names of the classes, in key order.</param>
/// <param name="ImageLoading">ImageAnalytics transforms from an <c>ImagePath</c> column to <c>Features</c>.</param>
/// <param name="FromIdx">Whether the images came from IDX files (no image files to show: thumbnails come from the pixels).</param>
internal sealed record EmbeddingData(string Source, string Layout, IDataView Train, IDataView Test, ImageShape Shape,
    IReadOnlyList<string> ClassNames, IEstimator<ITransformer> ImageLoading, bool FromIdx)
{
    public const string FeaturesColumn = "Features";
    public const string KeyColumn = "LabelKey";
    private const int MaxFolderImageSide = 64;

    /// <summary>IDX files when the folder holds any, else a folder of images by class.</summary>
    public static EmbeddingData Load(RunContext run, string dataset, int? imageSide)
    {
        string full = Path.GetFullPath(dataset);
        if (File.Exists(full))
            throw new InputException($"--dataset '{full}' is a file: give a folder of IDX files (train-images-idx3-ubyte.gz and the three others) or a folder with one sub-folder of images per class.");
        if (!Directory.Exists(full))
            throw new InputException($"Dataset folder '{full}' does not exist: give a folder of IDX files or a folder with one sub-folder of images per class.");
        return Directory.GetFiles(full).Any(f => Path.GetFileName(f).Contains("-ubyte", StringComparison.Ordinal))
            ? ReadIdx(run, full)
            : ReadFolder(run, full, imageSide);
    }

    private static EmbeddingData ReadIdx(RunContext run, string folder)
    {
        var ml = run.Ml;
        var files = DataFiles.Find(folder, out var missing)
            ?? throw new InputException($"IDX folder '{folder}' lacks {string.Join(", ", missing)}: it needs the training and test (t10k) images and labels.");
        int maxRows = run.Settings.MaxRows ?? 0;
        var train = ml.Data.LoadFromIdx(files.TrainImages, files.TrainLabels, maxRows);
        var test = ml.Data.LoadFromIdx(files.TestImages, files.TestLabels, maxRows);
        var keys = Keys(ml, train);
        var names = Examples.ClassNames.Guess(folder);
        var ids = KeyValues<uint>(keys.Transform(train).Schema[KeyColumn]);
        var shape = MlNetTriplet.ImageShape.FromAnnotations(train.Schema[FeaturesColumn])
            ?? throw new InvalidDataException($"The IDX images in '{folder}' have no recorded shape.");
        return new EmbeddingData(folder, $"IDX files: {Path.GetFileName(files.TrainImages)} for training, {Path.GetFileName(files.TestImages)} for testing",
            keys.Transform(train), keys.Transform(test), shape, ids.Select(id => Examples.ClassNames.Of(id, names)).ToList(),
            PixelsFromFiles(ml, shape), FromIdx: true);
    }

    private static EmbeddingData ReadFolder(RunContext run, string folder, int? imageSide)
    {
        var ml = run.Ml;
        var images = ImageDataset.Load(run, folder);
        if (images.UnreadableLine() is { } unreadable)
            run.Console.Line(unreadable);
        var firstPaths = images.Train.GetColumn<string>("ImagePath").Take(20).ToList();
        var (side, grey) = Inspect(firstPaths, imageSide);
        var shape = new ImageShape(grey ? 1 : 3, side, side);
        var loading = PixelsFromFiles(ml, shape);
        var keys = Keys(ml, images.Train);
        var pixels = loading.Fit(images.Train);
        // Decoded once: the estimator reads the training images in one pass, the evaluation the test images in another.
        var train = ml.Data.Cache(pixels.Transform(keys.Transform(images.Train)));
        var test = ml.Data.Cache(pixels.Transform(keys.Transform(images.Validation)));
        return new EmbeddingData(folder, images.Layout + $"; images resized to {side} x {side}{(grey ? ", grey" : "")}",
            train, test, shape, KeyValues<ReadOnlyMemory<char>>(train.Schema[KeyColumn]).Select(v => v.ToString()).ToList(),
            loading, FromIdx: false);
    }

    /// <summary>Image file to planar pixels in [0, 1]: the IDX files' layout, so a model trained on IDX data takes image
    /// files too (a grey PNG of an IDX image gives back its exact values).</summary>
    private static IEstimator<ITransformer> PixelsFromFiles(MLContext ml, ImageShape shape)
    {
        IEstimator<ITransformer> chain = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: "ImagePath")
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

    private static ITransformer Keys(MLContext ml, IDataView train) =>
        ml.Transforms.Conversion.MapValueToKey(KeyColumn, "Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(train);

    private static T[] KeyValues<T>(DataViewSchema.Column key)
    {
        VBuffer<T> values = default;
        key.GetKeyValues(ref values);
        return values.DenseValues().ToArray();
    }
}
