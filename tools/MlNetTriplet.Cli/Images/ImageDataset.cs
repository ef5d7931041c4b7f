using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Cli.Commands;
using MlNetTriplet.Cli.Running;

namespace MlNetTriplet.Cli.Images;

/// <summary>A folder of images by class, split for training and validation: <c>ImagePath</c> and <c>Label</c> (text)
/// columns, as <c>mlContext.Data.LoadFromImageFolder</c> gives them. Every photo is decoded once when the folder is
/// read and the unreadable ones are left out of everything (training, evaluation, the galleries): one policy for the
/// whole run, reported on the console and in the report.</summary>
/// <param name="Folder">The dataset folder, full path.</param>
/// <param name="Train">The training images.</param>
/// <param name="Validation">The validation images.</param>
/// <param name="Classes">The class names (the training folder's sub-folders), in ordinal order.</param>
/// <param name="Layout">How the split was made, in words.</param>
/// <param name="SkippedFiles">Files left out for their extension, in both folders.</param>
/// <param name="Unreadable">Image files left out because they cannot be decoded, in both folders.</param>
internal sealed record ImageDataset(string Folder, IDataView Train, IDataView Validation, IReadOnlyList<string> Classes, string Layout,
    int SkippedFiles, IReadOnlyList<UnreadableImageFile> Unreadable)
{
    /// <summary>Fewest images a class may have when the tool splits it (both parts need some).</summary>
    public const int MinImagesPerClass = 5;

    /// <summary>Reads the folder: <c>train/</c> and <c>val/</c> (or valid, validation, test) folders of class
    /// sub-folders when it has a <c>train</c> folder, else one sub-folder per class, split by --validation-fraction.</summary>
    /// <exception cref="InputException">The folder is missing or a file, has one class, or a class has too few images.</exception>
    public static ImageDataset Load(RunContext run, string folder)
    {
        var ml = run.Ml;
        string full = Path.GetFullPath(folder);
        if (File.Exists(full))
            throw new InputException($"--dataset '{full}' is a file: give a folder with one sub-folder of images per class.");
        if (!Directory.Exists(full))
            throw new InputException($"Dataset folder '{full}' does not exist: give a folder with one sub-folder of images per class (or train/ and val/ folders of them).");
        bool presplit = Directory.GetDirectories(full).Any(d => Path.GetFileName(d).Equals("train", StringComparison.OrdinalIgnoreCase));
        var settings = run.Settings;
        if (presplit)
        {
            var splits = ImageFolderSplits.Find(full);
            var train = ml.Data.LoadFromImageFolder(splits.Train, out var trainFound, checkImages: true);
            var validation = ml.Data.LoadFromImageFolder(splits.Validation, out var validFound, checkImages: true);
            CheckClasses(trainFound, 2);
            var unknown = validFound.Classes.Except(trainFound.Classes).ToList();
            if (unknown.Count > 0)
                throw new InputException($"Validation folder '{splits.Validation}' has class folder(s) {string.Join(", ", unknown.Select(c => $"'{c}'"))} that training folder '{splits.Train}' lacks: give both the same classes.");
            return new ImageDataset(full, Limit(ml, train, settings), Limit(ml, validation, settings), trainFound.Classes,
                $"the dataset's own split: {Path.GetFileName(splits.Train)}/ for training, {Path.GetFileName(splits.Validation)}/ for validation",
                trainFound.SkippedFileCount + validFound.SkippedFileCount, [.. trainFound.UnreadableImages, .. validFound.UnreadableImages]);
        }
        var all = ml.Data.LoadFromImageFolder(full, out var found, checkImages: true);
        CheckClasses(found, MinImagesPerClass);
        var split = ml.Data.StratifiedTrainTestSplit(all, settings.ValidationFraction, "Label", settings.Seed);
        return new ImageDataset(full, Limit(ml, split.TrainSet, settings), Limit(ml, split.TestSet, settings), found.Classes,
            $"a stratified {settings.ValidationFraction * 100:F0}% of each class held out for validation (seed {settings.Seed})",
            found.SkippedFileCount, found.UnreadableImages);
    }

    /// <summary>One line for the console when photos were left out, or null.</summary>
    public string? UnreadableLine() => Unreadable.Count == 0 ? null
        : $"Left out {Unreadable.Count} unreadable photo{(Unreadable.Count == 1 ? "" : "s")}: "
          + string.Join("; ", Unreadable.Take(3).Select(u => $"'{u.Path}' ({u.Reason})")) + (Unreadable.Count > 3 ? $"; and {Unreadable.Count - 3} more" : "")
          + " (listed in the report).";

    /// <summary>Images per class in <paramref name="data"/>, in <see cref="Classes"/>' order.</summary>
    public IReadOnlyList<int> Count(IDataView data)
    {
        var labels = data.GetColumn<string>("Label").GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        return Classes.Select(c => labels.GetValueOrDefault(c)).ToList();
    }

    private static void CheckClasses(ImageFolderSummary found, int minimum)
    {
        var nonEmpty = found.Classes.Where((_, i) => found.ImagesPerClass[i] > 0).ToList();
        if (nonEmpty.Count < 2)
            throw new InputException($"'{found.Folder}' has {(nonEmpty.Count == 0 ? "no class folder with images" : $"one class folder with images ('{nonEmpty[0]}')")}: classification needs at least two classes, one sub-folder of images each.");
        var small = found.Classes.Select((c, i) => (c, n: found.ImagesPerClass[i])).Where(p => p.n < minimum).ToList();
        if (small.Count > 0)
            throw new InputException($"Too few images per class in '{found.Folder}': " + string.Join(", ", small.Select(p => $"'{p.c}' has {p.n}")) +
                $"; every class needs at least {minimum} (add images, or remove those class folders).");
    }

    /// <summary>--max-rows: a stratified sample of that many images (the folder lists its images class by class, so the
    /// first rows would be one class).</summary>
    private static IDataView Limit(MLContext ml, IDataView data, CommonSettings settings)
    {
        long rows = data.GetRowCount() ?? data.GetColumn<string>("ImagePath").LongCount();
        if (settings.MaxRows is not int max || max >= rows)
            return data;
        return ml.Data.StratifiedTrainTestSplit(data, (double)max / rows, "Label", settings.Seed).TestSet;
    }
}
