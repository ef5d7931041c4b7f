using MlNetTriplet.Images;

namespace MlNetTriplet.Bench;

/// <summary>Folders of symbolic links to an image data set's photos, so that the package and the peer, which both list
/// a folder, read the same files: the first photos of each class (smoke runs), or the train/ and val/ splits joined
/// into one folder of classes (the similarity protocol splits by class). Links are named with their position so the
/// listing order stays the original's.</summary>
internal static class PhotoSubset
{
    /// <summary>Links the first <paramref name="nTrain"/> training and <paramref name="nVal"/> validation photos (0 =
    /// all of a split), spread evenly over the classes, under <paramref name="target"/>/train and /val.</summary>
    public static string Create(string dataDir, int nTrain, int nVal, string target)
    {
        var splits = ImageFolderSplits.Find(dataDir);
        Link(splits.Train, nTrain, Path.Combine(target, "train"), "");
        Link(splits.Validation, nVal, Path.Combine(target, "val"), "");
        return target;
    }

    /// <summary>A folder of class folders holding every photo of <paramref name="dataDir"/>: the folder itself when it
    /// is one already, else (train/ and val/ or test/ of the same classes) links to both splits' photos under
    /// <paramref name="target"/>/&lt;class&gt;, the training photos first.</summary>
    public static string ClassFolders(string dataDir, string target)
    {
        if (!Directory.Exists(Path.Combine(dataDir, "train")))
            return dataDir;
        var splits = ImageFolderSplits.Find(dataDir);
        Link(splits.Train, 0, target, "train-");
        Link(splits.Validation, 0, target, "val-");
        return target;
    }

    private static void Link(string folder, int count, string target, string prefix)
    {
        var (rows, summary) = ImageFolderScanner.Scan(folder, recursive: true, imageExtensions: null);
        int perClass = count == 0 ? int.MaxValue : (count + summary.Classes.Count - 1) / summary.Classes.Count;
        foreach (var group in rows.GroupBy(r => r.Label))
        {
            string classDir = Directory.CreateDirectory(Path.Combine(target, group.Key)).FullName;
            int index = 0;
            foreach (var row in group.Take(perClass))
                File.CreateSymbolicLink(Path.Combine(classDir, $"{prefix}{index++:D5}-{Path.GetFileName(row.ImagePath)}"), row.ImagePath);
        }
    }
}
