using System.Globalization;
using Microsoft.ML.Data;
using MlNetTriplet.Cli.Report;
using MlNetTriplet.Cli.Running;
using static MlNetTriplet.Cli.Report.CommonSections;

namespace MlNetTriplet.Cli.Images;

/// <summary>report.html and metrics.json of an image-classification run.</summary>
internal sealed class ImageClassificationReport(RunContext run, ImageClassificationScenario scenario, ImageDataset images,
    IReadOnlyList<int> trainCounts, IReadOnlyList<int> validCounts, BudgetedNetwork<TransferLearningTransformer> network,
    MulticlassClassificationMetrics metrics, IReadOnlyList<(string Path, string Truth, string Predicted, double Confidence)> predictions,
    int misclassifiedShown, CamSection.Galleries cams)
{
    private static readonly HashSet<string> NumberColumns = ["training photos", "validation photos", "accuracy", "macro accuracy", "log-loss"];

    /// <summary>What the accuracy means, in words.</summary>
    public static string Sentence(MulticlassClassificationMetrics m, int photos, int classes) =>
        $"On {photos:N0} validation photos the model names the right class for {Percent(m.MicroAccuracy)} of them; " +
        $"averaged over the {classes} classes with equal weight, {Percent(m.MacroAccuracy)}.";

    public void Write(string usage)
    {
        var model = network.Model;
        var history = model.History!;
        int photos = validCounts.Sum();
        bool frozen = scenario.Mode == TransferMode.FrozenBackbone;
        var report = new HtmlReport("Image classification",
            $"{Path.GetFileName(images.Folder)}: {images.Classes.Count} classes, transfer learning from {model.BackboneName}");

        report.Section("summary", "Result")
            .Headline(Percent(metrics.MicroAccuracy), "validation accuracy", Sentence(metrics, photos, images.Classes.Count))
            .Table(["accuracy", "macro accuracy", "log-loss"], [[F(metrics.MicroAccuracy), F(metrics.MacroAccuracy), F(metrics.LogLoss)]], NumberColumns);

        report.Section("dataset", "Dataset")
            .Facts(
            [
                ("folder", ShownPath.Of(images.Folder)),
                ("split", images.Layout),
                ("photos", $"{trainCounts.Sum():N0} for training, {photos:N0} for validation" +
                    (images.Unreadable.Count > 0 ? $"; {images.Unreadable.Count} unreadable photo(s) left out of training and evaluation (below)" : "")),
                ("other files", images.SkippedFiles == 0 ? "none" : $"{images.SkippedFiles} file(s) left out for their extension"),
            ])
            .Table(["class", "training photos", "validation photos"], images.Classes.Select((c, i) => (IReadOnlyList<string>)
                [c, trainCounts[i].ToString("N0", CultureInfo.InvariantCulture), validCounts[i].ToString("N0", CultureInfo.InvariantCulture)]),
                NumberColumns);
        if (images.Unreadable.Count > 0)
            report.Section("unreadable", "Unreadable photos, left out")
                .Table(["file", "why"], images.Unreadable.Select(u => (IReadOnlyList<string>)[u.Path, u.Reason]));

        report.Section("settings", "Settings")
            .Facts(
            [
                ("backbone", $"{model.BackboneName} ({model.Architecture}), pretrained on ImageNet; its weights ship with the tool, nothing is downloaded"),
                ("mode", frozen
                    ? "frozen backbone: each photo's pooled features are computed once, then only the new head trains"
                    : "fine-tuning: the backbone's last block trains with the head, at a tenth of the head's learning rate, on augmented photos (random crops, flips)"),
                ("head", "global average pooling, dropout 0.2, one dense layer (softmax)"),
                ("photos", $"shorter side resized to {model.ResizeShorterSide} px, centre crop {model.ImageSize} x {model.ImageSize} (as torchvision evaluates)"),
                ("training", $"Adam, learning rate 0.001{(frozen ? "" : " on a cosine schedule")}, batches of {ImageClassificationScenario.BatchSize}; " +
                    $"early stopping after {(frozen ? 5 : 3)} epochs without a lower validation loss, keeping the best epoch"),
                ("budget", run.Budget.FixedEpochs is int e ? $"{e} epochs (--epochs)" : $"{run.Budget.Seconds:F0} s (--train-time): {network.Plan}"),
                ("seed", run.Settings.Seed.ToString(CultureInfo.InvariantCulture)),
            ]);

        LearningCurves(report, run, network, "Transfer learning");

        var evaluation = report.Section("metrics", "Evaluation on the validation photos");
        ClassFigures(evaluation, run, metrics.ConfusionMatrix, images.Classes);

        var wrong = predictions.Where(p => p.Truth != p.Predicted).OrderByDescending(p => p.Confidence).ToList();
        var mistakes = report.Section("misclassified", "Misclassified photos");
        if (wrong.Count == 0)
            mistakes.Paragraph("The model got every validation photo right.");
        else
            mistakes.Paragraph($"{wrong.Count} of {photos:N0} validation photos are misclassified; " +
                    (wrong.Count > misclassifiedShown ? $"the {misclassifiedShown} the model was surest of:" : "the surest mistakes first:"))
                .Gallery(wrong.Take(misclassifiedShown).Select(w =>
                    Thumbnails.FromFile(w.Path, $"{Path.GetFileName(w.Path)}: {w.Truth}, predicted {w.Predicted} ({Percent(w.Confidence, 0)})", "wrong"))
                    .OfType<Thumbnail>());

        CamSection.Add(report, cams, model.BackboneName);
        EndAndSave(report, run, usage);

        MetricsFile.Write(run.Output.MetricsPath, new
        {
            scenario = "image-classification",
            dataset = images.Folder,
            split = images.Layout,
            classes = images.Classes.Select((c, i) => new { name = c, trainImages = trainCounts[i], validationImages = validCounts[i] }),
            unreadableImages = images.Unreadable.Select(u => new { path = u.Path, reason = u.Reason }),
            backbone = model.BackboneName,
            mode = scenario.Mode,
            headline = new { metric = "accuracy", value = metrics.MicroAccuracy },
            validation = new { accuracy = metrics.MicroAccuracy, macroAccuracy = metrics.MacroAccuracy, logLoss = metrics.LogLoss, misclassified = wrong.Count },
            perClass = PerClass(metrics.ConfusionMatrix, images.Classes).Select(c => new { name = c.Name, images = c.Rows, precision = c.Precision, recall = c.Recall, f1 = c.F1 }),
            skippedUnreadableImages = model.SkippedImageCount,
            training = TrainingJson(run, network),
            timings = TimingsJson(run),
            totalSeconds = run.Timings.TotalSeconds,
        });
    }

}
