using System.Globalization;
using MlNetTriplet.Cli.Report;
using MlNetTriplet.Cli.Running;
using MlNetTriplet.Plots;
using static MlNetTriplet.Cli.Report.CommonSections;

namespace MlNetTriplet.Cli.Tabular;

/// <summary>report.html and metrics.json of a classification run.</summary>
internal sealed class ClassificationReport(RunContext run, TableSchema schema, BudgetedNetwork<NeuralNetworkTransformer> network,
    ClassifierOutcome outcome, IReadOnlyList<string> classNames, IReadOnlyList<MisclassifiedRow> wrong, long trainRows,
    long validRows, int featureCount)
{
    private static readonly HashSet<string> NumberColumns =
        ["AUC", "AUPRC", "accuracy", "precision", "recall", "F1", "log-loss", "log-loss (bits)", "macro accuracy", "log-loss reduction", "rows", "share",
         "empty", "distinct", "probability"];

    /// <summary>Side of the ROC and precision-recall PNGs, small enough for two side by side.</summary>
    private const int PairedPlotSide = 500;

    public void Write(string usage)
    {
        var label = schema.Label;
        var history = network.Model.History!;
        var report = new HtmlReport($"Classification of '{label.Name}'",
            $"{Path.GetFileName(schema.Format.Path)}: {(label.IsBinary ? "binary" : $"{label.Classes.Count} classes")}, the MlNetTriplet network against ML.NET LightGBM");

        report.Section("summary", "Result")
            .Headline(F(outcome.Headline, "F3"), $"validation {outcome.HeadlineName} of the network", outcome.Sentence(label, validRows))
            .Table(outcome.TableHeader, outcome.TableRows(), NumberColumns,
                highlight: outcome.Headline >= outcome.BaselineHeadline ? 0 : 1)
            .Note($"Both models trained on the same {trainRows:N0} rows and the same features, and were measured on {validRows:N0} rows they never saw (a stratified {Percent(run.Settings.ValidationFraction, 0)} hold-out, seed {run.Settings.Seed}).");

        var dataset = report.Section("dataset", "Dataset and inferred schema")
            .Facts(
            [
                ("file", ShownPath.Of(schema.Format.Path)),
                ("rows", $"{schema.Rows:N0} ({trainRows:N0} training, {validRows:N0} held out)"),
                ("separator", CsvFormat.Describe(schema.Format.Separator)),
                ("label", $"'{label.Name}': " + (label.IsBinary ? $"binary, '{label.Positive}' is the positive class" : $"{label.Classes.Count} classes")),
                ("features", $"{schema.Features.Count()} columns → {featureCount:N0} values after preprocessing"),
            ]);
        dataset.SubHeading("Classes")
            .Table(["class", "rows", "share"], label.Classes.Select(c => (IReadOnlyList<string>)
                [c.Value, c.Rows.ToString("N0", CultureInfo.InvariantCulture), Percent((double)c.Rows / schema.Rows)]), NumberColumns);
        dataset.SubHeading("Columns")
            .Table(["column", "kind", "empty", "distinct", "examples", "preprocessing", "note"], schema.Columns.Select(c => (IReadOnlyList<string>)
            [
                c.Name, c.Name == label.Name ? "label" : c.KindName, c.Empty.ToString("N0", CultureInfo.InvariantCulture),
                c.Distinct.ToString("N0", CultureInfo.InvariantCulture), string.Join(", ", c.Examples),
                c.Name == label.Name ? (label.IsBinary ? "to Boolean" : "to key") : c.Usage, c.Name == label.Name ? "" : c.Note,
            ]), NumberColumns);

        report.Section("settings", "Settings")
            .Facts(
            [
                ("network", $"multi-layer perceptron {string.Join('-', ClassificationScenario.HiddenLayers)}, ReLU, dropout 0.2 after each hidden layer, " +
                    (label.IsBinary ? "one logit (sigmoid)" : $"{label.Classes.Count} outputs (softmax)")),
                ("training", "Adam, learning rate 0.001 on a cosine schedule, batches of 64, L2 0.0001"),
                ("early stopping", "after 8 epochs without a lower validation loss, on 10% of the training rows; the best epoch's weights are kept"),
                ("budget", run.Budget.FixedEpochs is int e ? $"{e} epochs (--epochs)" : $"{run.Budget.Seconds:F0} s (--train-time): {network.Plan}"),
                ("baseline", "ML.NET LightGBM with its default settings, on the same features"),
                ("preprocessing", "ML.NET transforms fitted on the training rows (see the columns table), saved in model.zip"),
                ("seed", run.Settings.Seed.ToString(CultureInfo.InvariantCulture)),
            ]);

        LearningCurves(report, run, network, "Network");

        var metrics = report.Section("metrics", "Evaluation on the held-out rows");
        if (outcome.IsBinary)
        {
            string roc = run.Output.Plot("roc"), pr = run.Output.Plot("precision-recall");
            TrainingPlots.SaveRocCurves(outcome.Roc, roc, "ROC curves (validation)", PairedPlotSide, PairedPlotSide);
            TrainingPlots.SavePrecisionRecallCurves(outcome.PrecisionRecall, pr, "Precision-recall (validation)", PairedPlotSide, PairedPlotSide);
            metrics.Figures(
                (roc, "How many positives each model finds (true positive rate) for the negatives it wrongly flags, at every threshold. AUC 1 is perfect, 0.5 is chance."),
                (pr, $"Of the rows a model calls '{label.Positive}', the share that are (precision), against the share of '{label.Positive}' rows it finds (recall)."));
        }
        ClassFigures(metrics, run, outcome.Confusion, classNames);

        var mistakes = report.Section("misclassified", "Misclassified rows");
        if (wrong.Count == 0)
            mistakes.Paragraph("The network got every held-out row right.");
        else
            mistakes.Paragraph($"The {wrong.Count} held-out rows the network got wrong with the most confidence (its probability for the class it chose):")
                .Table([label.Name, "predicted", "probability", .. schema.Columns.Where(c => c.Name != label.Name).Select(c => c.Name)],
                    wrong.Select(w => (IReadOnlyList<string>)[w.Truth, w.Predicted, Percent(w.Confidence),
                        .. w.Values.Where((_, i) => schema.Columns[i].Name != label.Name)]), NumberColumns);

        EndAndSave(report, run, usage);

        MetricsFile.Write(run.Output.MetricsPath, new
        {
            scenario = "classification",
            dataset = schema.Format.Path,
            label = label.Name,
            task = label.IsBinary ? "binary" : "multiclass",
            positiveClass = label.Positive,
            classes = label.Classes.Select(c => new { name = c.Value, rows = c.Rows }),
            rows = new { train = trainRows, validation = validRows },
            features = featureCount,
            headline = new { metric = outcome.HeadlineName, network = outcome.Headline, lightGbm = outcome.BaselineHeadline },
            network = outcome.Json(network: true),
            lightGbm = outcome.Json(network: false),
            perClass = PerClass(outcome.Confusion, classNames).Select(c => new { name = c.Name, rows = c.Rows, precision = c.Precision, recall = c.Recall, f1 = c.F1 }),
            training = TrainingJson(run, network),
            columns = schema.Columns.Select(c => new { name = c.Name, kind = c.Name == label.Name ? "label" : c.KindName, note = c.Note }),
            timings = TimingsJson(run),
            totalSeconds = run.Timings.TotalSeconds,
        });
    }
}
