using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Images;

namespace MlNetTriplet.Tests.TransferLearning;

/// <summary>Subsets of the real Caltech 101 photos in data/caltech101 for the transfer-learning tests: every n-th photo
/// in folder order, so a test sees every class (and some of the greyscale photos) while staying fast on 2 cores.</summary>
internal static class CaltechPhotos
{
    /// <summary>The six classes, in the order of their keys.</summary>
    public static readonly string[] Classes = ["ant", "butterfly", "dragonfly", "pizza", "starfish", "sunflower"];

    public sealed class Photo
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }

    /// <summary>A photo prepared as the network's input (3 x 224 x 224 RGB in [0, 1]), under the path column's name.</summary>
    public sealed class PreparedPhoto
    {
        [VectorType(3 * 224 * 224)] public float[] ImagePath { get; set; } = [];
        public string Label { get; set; } = "";
    }

    /// <summary>Each photo prepared as the transformers prepare it (evaluation geometry: shorter side 256, centre 224).</summary>
    public static List<PreparedPhoto> Prepare(IEnumerable<Photo> photos)
    {
        using var preparer = new ImagePreparation(ImageGeometry.ImageNet).CreatePreparer();
        return photos.Select((photo, row) =>
        {
            var pixels = new float[3 * 224 * 224];
            preparer.PrepareFile(photo.ImagePath, epoch: 0, row, pixels);
            return new PreparedPhoto { ImagePath = pixels, Label = photo.Label };
        }).ToList();
    }

    /// <summary>Every <paramref name="every"/>-th photo of <paramref name="split"/> ("train": 20 a class, or "val":
    /// 10 a class), as the image folder loader lists them.</summary>
    public static List<Photo> List(MLContext ml, string split, int every)
    {
        var all = ml.Data.CreateEnumerable<Photo>(ml.Data.LoadFromImageFolder(Path.Combine(TestData.Caltech101, split)),
            reuseRowObject: false).ToList();
        return all.Where((_, i) => i % every == 0).ToList();
    }

    /// <summary>Copies every <paramref name="every"/>-th photo of both splits to <paramref name="folder"/>/photos/train
    /// and photos/val, one sub-folder per class: the image folder layout the README's blocks read.</summary>
    public static void CopyAsImageFolder(MLContext ml, string folder, int every = 1)
    {
        foreach (string split in new[] { "train", "val" })
            foreach (var photo in List(ml, split, every))
            {
                string target = Path.Combine(folder, "photos", split, photo.Label, Path.GetFileName(photo.ImagePath));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(photo.ImagePath, target);
            }
    }

    public static IDataView Load(MLContext ml, string split, int every) => ml.Data.LoadFromEnumerable(List(ml, split, every));

    /// <summary>MapValueToKey on the label, learnt in alphabetical order (ant = key 1).</summary>
    public static ITransformer Keys(MLContext ml, IDataView data) =>
        ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Fit(data);
}
