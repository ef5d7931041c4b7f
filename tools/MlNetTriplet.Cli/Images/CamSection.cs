using Microsoft.ML;
using MlNetTriplet.Cli.Report;
using MlNetTriplet.Cli.Running;
using MlNetTriplet.Plots;

namespace MlNetTriplet.Cli.Images;

/// <summary>The image report's class activation maps: where in the photo the classifier found the evidence for the
/// class it predicted, for some right and some wrong predictions on the validation photos.</summary>
internal static class CamSection
{
    /// <summary>Photos per gallery: enough to see a pattern, few enough that the maps take seconds.</summary>
    private const int PerGallery = 12;

    /// <summary>The two galleries' PNG files (null when there is nothing to show) and how many photos each holds.</summary>
    public sealed record Galleries(string? Correct, int CorrectCount, string? Wrong, int WrongCount);

    /// <summary>Draws CAM (the head's weights on the last block's feature maps: exact for this global-average-pool head)
    /// over a few validation photos: right predictions taken from every class in turn, and the mistakes the model was
    /// surest of. Only the chosen photos go through the network again.</summary>
    public static Galleries Draw(RunContext run, TransferLearningTransformer model,
        IReadOnlyList<(string Path, string Truth, string Predicted, double Confidence)> predictions)
    {
        var right = predictions.Where(p => p.Truth == p.Predicted).GroupBy(p => p.Truth)
            .SelectMany(g => g.Select((p, rank) => (p, rank))).OrderBy(x => x.rank).Select(x => x.p).Take(PerGallery);
        var wrong = predictions.Where(p => p.Truth != p.Predicted).OrderByDescending(p => p.Confidence).Take(PerGallery);
        var rows = right.Concat(wrong).Select(p => new Photo { ImagePath = p.Path, Label = p.Truth }).ToList();
        if (rows.Count == 0)
            return new Galleries(null, 0, null, 0);

        var ml = run.Ml;
        var photos = ml.Data.LoadFromEnumerable(rows);
        using var maps = ml.Transforms.ClassActivationMaps(model, new ClassActivationMapOptions
        {
            Method = CamMethod.Cam, PreparedImageColumnName = "PreparedImage",
        }).Fit(photos);
        var explained = ml.Data.Cache(maps.Transform(model.Transform(photos)));
        (string?, int) Save(CamGallerySelection selection, string name)
        {
            string png = run.Output.Plot(name);
            int drawn = CamGallery.Save(explained, png, new CamGalleryOptions
            {
                LabelColumnName = "Label", Selection = selection, MaxImages = PerGallery, Columns = 4, TileSize = 200,
            });
            return (drawn > 0 ? png : null, drawn);
        }
        var (correct, correctCount) = Save(CamGallerySelection.Correct, "cam-correct");
        var (mistakes, wrongCount) = Save(CamGallerySelection.Wrong, "cam-wrong");
        return new Galleries(correct, correctCount, mistakes, wrongCount);
    }

    /// <summary>Adds the section.</summary>
    public static void Add(HtmlReport report, Galleries galleries, string backbone)
    {
        var section = report.Section("cam", "Class activation maps");
        if (galleries.Correct is null && galleries.Wrong is null)
        {
            section.Note("No validation photo to explain.");
            return;
        }
        section
            .Paragraph($"Where {backbone} found the evidence for the class it predicted: red is strong, blue is none (CAM: the " +
                "new head's weights for that class applied to the last block's feature maps). A model that learned the " +
                "right thing lights up the object that makes the class, not the background or what usually comes with it. Each photo is shown as the " +
                "network saw it (resized, centre-cropped), with its true class, the predicted one and the probability given to it.");
        if (galleries.Correct is { } correct)
            section.SubHeading("Right predictions").Figures((correct, $"{galleries.CorrectCount} validation photos the model classified correctly, taken from each class in turn."));
        if (galleries.Wrong is { } wrong)
            section.SubHeading("Wrong predictions").Figures((wrong, $"The {galleries.WrongCount} mistake{(galleries.WrongCount == 1 ? "" : "s")} the model was surest of (in red): what misled it."));
        else
            section.Note("No validation photo was misclassified, so there are no wrong predictions to explain.");
    }

    /// <summary>One photo to explain, in the columns the classifier reads.</summary>
    private sealed class Photo
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }
}
