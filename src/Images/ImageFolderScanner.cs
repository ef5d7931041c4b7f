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
/// take for a class) are ignored; files whose extension is not an image one are skipped and counted.</summary>
internal static class ImageFolderScanner
{
    private const int SkippedExamples = 10;

    public static (List<ImageFolderRow> Rows, ImageFolderSummary Summary) Scan(string folder, bool recursive,
        IEnumerable<string>? imageExtensions)
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
        return (rows, new ImageFolderSummary(full, classes, counts, skippedCount, skipped));
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
