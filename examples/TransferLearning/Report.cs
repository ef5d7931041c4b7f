using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet;
using MlNetTriplet.Plots;

namespace TransferLearning;

/// <summary>Names of the model's classes and the gallery of wrong predictions for the report.</summary>
internal static class Report
{
    /// <summary>The label values (folder names) behind the key column, in key order.</summary>
    public static List<string> ClassNames(DataViewSchema.Column labelKeyColumn)
    {
        VBuffer<ReadOnlyMemory<char>> values = default;
        labelKeyColumn.GetKeyValues(ref values);
        return values.DenseValues().Select(v => v.ToString()).ToList();
    }

    /// <summary>Thumbnails of the misclassified photos of <paramref name="scored"/> (<paramref name="model"/>'s
    /// output), captioned with the true and predicted class and its probability; returns how many (no file when none).</summary>
    public static int SaveMisclassified(MLContext ml, ITransformer model, IDataView scored, string pngPath)
    {
        // The map transform's prepared-image column is each photo as the network took it (resized, centre-cropped, in
        // [0, 1]); CAM is its cheapest method (one forward pass, no gradient), and the map itself is not drawn here.
        using var photos = ml.Transforms.ClassActivationMaps(model, new ClassActivationMapOptions
        {
            Method = CamMethod.Cam, PreparedImageColumnName = "Photo",
        }).Fit(scored);
        int count = CamGallery.Save(photos.Transform(scored), pngPath, new CamGalleryOptions
        {
            ImageColumnName = "Photo", MapColumnName = null, Selection = CamGallerySelection.Wrong,
            MaxImages = 32, Columns = 8, TileSize = 128, Title = "Misclassified validation photos",
        });
        if (count == 0)
            File.Delete(pngPath);   // an earlier run's gallery would no longer be true
        return count;
    }
}
