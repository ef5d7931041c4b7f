namespace MlNetTriplet.Cli.Report;

/// <summary>The image report's class activation maps: where in each photo the classifier looked. The section is
/// always there, so the report's layout (and its browser test) stay the same when the CAM transform arrives; today
/// it says why it is empty.</summary>
internal static class CamGallery
{
    /// <summary>Adds the section. <paramref name="model"/> and <paramref name="photos"/> (validation photo paths with
    /// their true and predicted classes) are what the gallery will draw from: the photos overlaid with the map of the
    /// predicted class, wrong predictions first.</summary>
    public static void Add(HtmlReport report, TransferLearningTransformer model,
        IReadOnlyList<(string Path, string Truth, string Predicted)> photos)
    {
        report.Section("cam", "Class activation maps")
            .Note($"Not drawn yet: this build of MlNetTriplet has no class-activation-map transform (issue 12). Once it has, this section shows where {model.BackboneName} looked in each of the {photos.Count} validation photos.");
    }
}
