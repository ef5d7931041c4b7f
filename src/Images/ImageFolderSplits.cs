namespace MlNetTriplet;

/// <summary>The training and validation folders of an image data set laid out as <c>root/train/&lt;class&gt;/*</c>
/// and <c>root/val/&lt;class&gt;/*</c> (torchvision's and Kaggle's usual layout).</summary>
/// <param name="Train">The <c>train</c> folder, full path.</param>
/// <param name="Validation">The first of <c>val</c>, <c>valid</c>, <c>validation</c> or <c>test</c> present, full path.</param>
public sealed record ImageFolderSplits(string Train, string Validation)
{
    private static readonly string[] ValidationNames = ["val", "valid", "validation", "test"];

    /// <summary>Finds the splits under <paramref name="root"/>; folder names match case-insensitively.</summary>
    /// <exception cref="ArgumentException"><paramref name="root"/> is null or empty.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/>, its <c>train</c> folder or every
    /// validation folder is missing (the message lists what it holds).</exception>
    public static ImageFolderSplits Find(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        string full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
            throw new DirectoryNotFoundException($"Data folder '{full}' does not exist.");
        var folders = Directory.GetDirectories(full).Select(Path.GetFileName).OfType<string>()
            .Order(StringComparer.Ordinal).ToList();
        string? Named(string name) => folders.FirstOrDefault(f => string.Equals(f, name, StringComparison.OrdinalIgnoreCase));
        string holds = folders.Count == 0 ? "no folders" : "folders " + string.Join(", ", folders.Select(f => $"'{f}'"));
        string train = Named("train") ?? throw new DirectoryNotFoundException(
            $"Data folder '{full}' has no 'train' folder (it holds {holds}); expected train/ and val/ (or test/), each with one sub-folder per class.");
        string validation = ValidationNames.Select(Named).FirstOrDefault(f => f is not null) ?? throw new DirectoryNotFoundException(
            $"Data folder '{full}' has no validation folder: expected one of {string.Join(", ", ValidationNames.Select(n => $"'{n}'"))} beside 'train' (it holds {holds}).");
        return new ImageFolderSplits(Path.Combine(full, train), Path.Combine(full, validation));
    }
}
