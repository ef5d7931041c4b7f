using Microsoft.ML;

namespace MlNetTriplet.Tests.TransferLearning;

/// <summary>Subsets of the real ants-and-bees photos for the transfer-learning tests: every n-th photo of each class, so
/// a test sees both classes and a few of the set's oddities while staying fast on 2 cores.</summary>
internal static class AntsAndBees
{
    public sealed class Photo
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }

    /// <summary>Every <paramref name="every"/>-th photo of <paramref name="split"/> ("train" or "val"), as the image
    /// folder loader lists them.</summary>
    public static List<Photo> List(MLContext ml, string split, int every)
    {
        var all = ml.Data.CreateEnumerable<Photo>(ml.Data.LoadFromImageFolder(Path.Combine(TestData.Hymenoptera, split)),
            reuseRowObject: false).ToList();
        return all.Where((_, i) => i % every == 0).ToList();
    }

    public static IDataView Load(MLContext ml, string split, int every) => ml.Data.LoadFromEnumerable(List(ml, split, every));

    /// <summary>MapValueToKey on the label, learnt from both classes in alphabetical order (ants = key 1).</summary>
    public static ITransformer Keys(MLContext ml, IDataView data) =>
        ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Fit(data);
}
