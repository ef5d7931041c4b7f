using MlNetTriplet.Images;

namespace MlNetTriplet.Bench;

/// <summary>For smoke runs: a folder of symbolic links to the first photos of each class of an image data set
/// (train/ and the validation split), so that the package and the peer, which both list a folder, read the same few
/// files. Links are named with their position so the listing order stays the original's.</summary>
internal static class PhotoSubset
{
    /// <summary>Links the first <paramref name="nTrain"/> training and <paramref name="nVal"/> validation photos (0 =
    /// all of a split), spread evenly over the classes, under <paramref name="target"/>/train and /val.</summary>
    public static string Create(string dataDir, int nTrain, int nVal, string target)
    {
        var splits = ImageFolderSplits.Find(dataDir);
        Link(splits.Train, nTrain, Path.Combine(target, "train"));
        Link(splits.Validation, nVal, Path.Combine(target, "val"));
        return target;
    }

    private static void Link(string folder, int count, string target)
    {
        var (rows, summary) = ImageFolderScanner.Scan(folder, recursive: true, imageExtensions: null);
        int perClass = count == 0 ? int.MaxValue : (count + summary.Classes.Count - 1) / summary.Classes.Count;
        foreach (var group in rows.GroupBy(r => r.Label))
        {
            string classDir = Directory.CreateDirectory(Path.Combine(target, group.Key)).FullName;
            int index = 0;
            foreach (var row in group.Take(perClass))
                File.CreateSymbolicLink(Path.Combine(classDir, $"{index++:D5}-{Path.GetFileName(row.ImagePath)}"), row.ImagePath);
        }
    }
}
