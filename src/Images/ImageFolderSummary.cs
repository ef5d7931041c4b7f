namespace MlNetTriplet;

/// <summary>What <c>mlContext.Data.LoadFromImageFolder</c> found: the classes (sub-folders, in label order), the images
/// of each, and the files it left out because their extension is not an image one.</summary>
/// <param name="Folder">The folder that was read, as a full path.</param>
/// <param name="Classes">Class names (sub-folder names), in ordinal order: the order rows come in.</param>
/// <param name="ImagesPerClass">Image files per class, in <paramref name="Classes"/>' order (0 for an empty sub-folder).</param>
/// <param name="SkippedFileCount">Files left out because of their extension (documents, thumbnails databases...).</param>
/// <param name="SkippedFiles">The first few of those files (at most 10), as full paths.</param>
public sealed record ImageFolderSummary(string Folder, IReadOnlyList<string> Classes, IReadOnlyList<int> ImagesPerClass,
    int SkippedFileCount, IReadOnlyList<string> SkippedFiles)
{
    /// <summary>Image files left out because they cannot be decoded (empty, truncated, not an image), with why; empty
    /// unless the folder was loaded with <c>checkImages</c>.</summary>
    public IReadOnlyList<UnreadableImageFile> UnreadableImages { get; init; } = [];

    /// <summary>Image files in all classes: the rows of the loaded data.</summary>
    public int ImageCount => ImagesPerClass.Sum();

    /// <summary>One line, e.g. <c>245 images in 2 classes (ants 124, bees 121) in '/data/train'; 1 file skipped
    /// (not an image extension), e.g. '/data/train/ants/notes.txt'</c>.</summary>
    public override string ToString()
    {
        string classes = string.Join(", ", Classes.Select((c, i) => $"{c} {ImagesPerClass[i]}"));
        string skipped = SkippedFileCount == 0 ? ""
            : $"; {SkippedFileCount} file{(SkippedFileCount == 1 ? "" : "s")} skipped (not an image extension), e.g. '{SkippedFiles[0]}'";
        string unreadable = UnreadableImages.Count == 0 ? ""
            : $"; {UnreadableImages.Count} unreadable image{(UnreadableImages.Count == 1 ? "" : "s")} left out, e.g. '{UnreadableImages[0].Path}' ({UnreadableImages[0].Reason})";
        return $"{ImageCount} images in {Classes.Count} classes ({classes}) in '{Folder}'{skipped}{unreadable}";
    }
}

/// <summary>An image file that cannot be decoded.</summary>
/// <param name="Path">The file, as a full path.</param>
/// <param name="Reason">Why, e.g. "the file is empty".</param>
public sealed record UnreadableImageFile(string Path, string Reason);
