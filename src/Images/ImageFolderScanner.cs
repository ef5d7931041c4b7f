namespace MlNetTriplet.Images;

/// <summary>One photo of an image folder: its full path and class (sub-folder name). Public members: ML.NET's
/// <c>LoadFromEnumerable</c> maps them to the <c>ImagePath</c> and <c>Label</c> columns.</summary>
internal sealed class ImageFolderRow
{
    public string ImagePath { get; set; } = "";
    public string Label { get; set; } = "";
}

/// <summary>Lists the photos of a folder with one sub-folder per class, in a fixed order: classes by ordinal name,
/// then files by folder and name (ordinal), as torchvision's <c>ImageFolder</c> walks them (<c>sorted(os.walk)</c>).
/// Hidden files and folders (names starting with '.', e.g. <c>.ipynb_checkpoints</c>, which <c>ImageFolder</c> would
/// take for a class) are ignored; files whose extension is not an image one are skipped and counted. A class folder
/// without images is refused: it would otherwise silently become a class with no rows. With <c>checkImages</c>, every
/// image is decoded once and the unreadable ones are left out (listed in the summary), so every later pass over the
/// photos (training, evaluation, explanations) sees the same readable set.</summary>
internal static class ImageFolderScanner
{
    private const int SkippedExamples = 10;

    public static (List<ImageFolderRow> Rows, ImageFolderSummary Summary) Scan(string folder, bool recursive,
        IEnumerable<string>? imageExtensions, bool checkImages = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var extensions = Extensions(imageExtensions);
        string full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
            throw new DirectoryNotFoundException($"Image folder '{full}' does not exist.");
        var hidden = new EnumerationOptions();   // skips hidden entries (dot names on Unix)
        var classes = Directory.EnumerateDirectories(full, "*", hidden).Select(d => Path.GetFileName(d)!)
            .Order(StringComparer.Ordinal).ToList();
        if (classes.Count == 0)
        {
            int files = Directory.EnumerateFiles(full, "*", hidden).Count();
            throw new InvalidDataException(
                $"Image folder '{full}' has no class sub-folders (it holds {files} file{(files == 1 ? "" : "s")} directly); expected one sub-folder per class, e.g. '{Path.Combine(full, "ants")}' and '{Path.Combine(full, "bees")}' holding their images.");
        }

        var rows = new List<ImageFolderRow>();
        var counts = new int[classes.Count];
        var skipped = new List<string>();
        int skippedCount = 0;
        var walk = new EnumerationOptions { RecurseSubdirectories = recursive };
        for (int c = 0; c < classes.Count; c++)
        {
            var files = Directory.EnumerateFiles(Path.Combine(full, classes[c]), "*", walk)
                .Select(f => (Directory: Path.GetDirectoryName(f)!, Name: Path.GetFileName(f)))
                .OrderBy(f => f.Directory, StringComparer.Ordinal).ThenBy(f => f.Name, StringComparer.Ordinal);
            foreach (var (directory, name) in files)
            {
                string path = Path.Combine(directory, name);
                if (extensions.Contains(Path.GetExtension(name)))
                {
                    rows.Add(new ImageFolderRow { ImagePath = path, Label = classes[c] });
                    counts[c]++;
                }
                else if (skippedCount++ < SkippedExamples)
                    skipped.Add(path);
            }
        }
        if (rows.Count == 0)
            throw new InvalidDataException(
                $"Image folder '{full}' has class sub-folders ({string.Join(", ", classes.Select(c => $"'{c}'"))}) but no image files{(recursive ? "" : " directly in them")} (extensions {string.Join(", ", extensions.Order(StringComparer.Ordinal))}); {skippedCount} other file{(skippedCount == 1 ? " was" : "s were")} skipped.");
        var empty = classes.Where((_, c) => counts[c] == 0).ToList();
        if (empty.Count > 0)
            throw new InvalidDataException(
                $"Class folder{(empty.Count == 1 ? "" : "s")} {string.Join(", ", empty.Select(c => $"'{Path.Combine(full, c)}'"))} of image folder '{full}' hold{(empty.Count == 1 ? "s" : "")} no image file{(recursive ? "" : " directly")}: a class without images cannot be learnt. Add images, or remove the folder.");
        var unreadable = checkImages ? LeaveOutUnreadable(rows, classes, counts, full) : [];
        return (rows, new ImageFolderSummary(full, classes, counts, skippedCount, skipped) { UnreadableImages = unreadable });
    }

    /// <summary>Decodes every image once (in parallel, at the smallest scale) and removes the unreadable ones from
    /// <paramref name="rows"/> and <paramref name="counts"/>; a class left without a readable image is refused.</summary>
    private static List<UnreadableImageFile> LeaveOutUnreadable(List<ImageFolderRow> rows, List<string> classes, int[] counts,
        string folder)
    {
        var bad = ImageFileCheck.FindUnreadable(rows.Select(r => r.ImagePath).ToList(), ImageWorkers.Alone);
        var labels = bad.Select(b => rows[b.Row].Label).ToList();
        foreach (var b in bad.Reverse())
        {
            counts[classes.IndexOf(rows[b.Row].Label)]--;
            rows.RemoveAt(b.Row);
        }
        var lost = classes.Where((_, c) => counts[c] == 0).ToHashSet();
        if (lost.Count > 0)
            throw new InvalidDataException(
                $"Class folder{(lost.Count == 1 ? "" : "s")} {string.Join(", ", lost.Select(c => $"'{Path.Combine(folder, c)}'"))} of image folder '{folder}' hold{(lost.Count == 1 ? "s" : "")} no readable image: " +
                string.Join("; ", bad.Where((_, i) => lost.Contains(labels[i])).Take(5).Select(b => $"'{b.Path}': {b.Reason}")) +
                ". Add readable images, or remove the folder.");
        return bad.Select(b => new UnreadableImageFile(b.Path, b.Reason)).ToList();
    }

    /// <summary>The extensions that count as images, with their dot, compared case-insensitively.</summary>
    private static HashSet<string> Extensions(IEnumerable<string>? imageExtensions)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string extension in imageExtensions ?? ImageDecoder.Extensions)
        {
            if (string.IsNullOrWhiteSpace(extension) || extension.Trim('.').Length == 0)
                throw new ArgumentException($"Image extension '{extension}' is empty; give extensions such as \".jpg\" or \"png\".",
                    nameof(imageExtensions));
            set.Add("." + extension.TrimStart('.'));
        }
        if (set.Count == 0)
            throw new ArgumentException("No image extension given.", nameof(imageExtensions));
        return set;
    }
}
