using Microsoft.ML;
using MlNetTriplet;

namespace ImageSimilarity;

/// <summary>One photo: its path and class (folder name).</summary>
public sealed class Photo
{
    public string ImagePath { get; set; } = "";
    public string Label { get; set; } = "";
}

/// <summary>Lists the photos of a folder of class folders, or of its train/ and val/ folders joined: the similarity
/// protocol splits photos by class, not by the folder's own split.</summary>
internal static class PhotoFolders
{
    public static List<Photo> Read(MLContext ml, string root)
    {
        bool split = Directory.Exists(Path.Combine(root, "train"));
        var folders = split
            ? new[] { ImageFolderSplits.Find(root) }.SelectMany(s => new[] { s.Train, s.Validation }).ToArray()
            : [root];
        return folders.SelectMany(folder => ml.Data.CreateEnumerable<Photo>(ml.Data.LoadFromImageFolder(folder), reuseRowObject: false))
            .ToList();
    }
}
