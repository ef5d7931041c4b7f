using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.ML.Data;
using MlNetTriplet.Cli.Running;
using MlNetTriplet.Plots;

namespace MlNetTriplet.Cli.Report;

/// <summary>Report sections every scenario has: how the run went (settings, training curves) and where and how long
/// it ran.</summary>
internal static class CommonSections
{
    /// <summary>A number as the report shows it: invariant culture, the given format.</summary>
    public static string F(double value, string format = "F4") => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A share as a percentage, "84.1%" (.NET's invariant "P" format puts a space before the sign).</summary>
    public static string Percent(double share, int decimals = 1) =>
        (share * 100).ToString("F" + decimals, CultureInfo.InvariantCulture) + "%";

    /// <summary>The learning curves, how many epochs ran and why training ended.</summary>
    public static void LearningCurves<TModel>(HtmlReport report, RunContext run, BudgetedNetwork<TModel> network, string what)
        where TModel : NetworkTransformer
    {
        var section = report.Section("learning-curves", "Learning curves");
        var history = network.Model.History!;
        string png = run.Output.Plot("learning-curves");
        TrainingPlots.SaveLossCurves(history, png, $"{what}: loss per epoch");
        section.Paragraph($"{history.Epochs.Count} epoch{(history.Epochs.Count == 1 ? "" : "s")} trained of {network.PlannedEpochs} planned ({network.Plan}); " +
            network.Stop switch
            {
                StopReason.EarlyStopping => $"early stopping ended training after the validation loss stopped improving, and kept epoch {history.BestEpoch}'s weights.",
                StopReason.Budget => $"the time budget ended training; the model holds epoch {history.BestEpoch}'s weights, the best so far.",
                StopReason.User => $"Ctrl+C ended training; the model holds epoch {history.BestEpoch}'s weights, the best so far.",
                _ => $"the model holds epoch {history.BestEpoch}'s weights.",
            });
        if (network.Stop == StopReason.User)
            section.Warning("Training was stopped by Ctrl+C: these results come from a model trained for fewer epochs than planned.");
        section.Figures((png, "Training loss and, when there is validation data, validation loss (and accuracy for classifiers) per epoch. " +
            "A validation curve that rises while the training curve falls is overfitting."));
    }

    /// <summary>How training went, for metrics.json: epochs planned and run, the kept epoch, why it ended, every epoch.</summary>
    public static object TrainingJson<TModel>(RunContext run, BudgetedNetwork<TModel> network) where TModel : NetworkTransformer
    {
        var history = network.Model.History!;
        return new
        {
            plannedEpochs = network.PlannedEpochs, epochs = history.Epochs.Count, bestEpoch = history.BestEpoch,
            stop = network.Stop, plan = network.Plan, budgetSeconds = run.Budget.Seconds, history = history.Epochs,
        };
    }

    /// <summary>The phases' wall times, for metrics.json.</summary>
    public static object TimingsJson(RunContext run) => run.Timings.Phases.Select(p => new { phase = p.Phase, seconds = p.Seconds });

    /// <summary>The confusion matrix and each class's precision, recall and F1 from it.</summary>
    public static void ClassFigures(ReportSection section, RunContext run, ConfusionMatrix matrix, IReadOnlyList<string> classNames)
    {
        string png = run.Output.Plot("confusion-matrix");
        TrainingPlots.SaveConfusionMatrix(matrix, classNames, png, "Confusion matrix (validation)");
        section.SubHeading("Confusion matrix and classes");
        section.Figures((png, "Rows: the true class; columns: the predicted one. The diagonal holds the right answers; each cell's colour is its share of the row."));
        section.Table(["class", "rows", "precision", "recall", "F1"], PerClass(matrix, classNames).Select(c =>
            (IReadOnlyList<string>)[c.Name, c.Rows.ToString("N0", CultureInfo.InvariantCulture), F(c.Precision), F(c.Recall), F(c.F1)]),
            numeric: new HashSet<string> { "rows", "precision", "recall", "F1" });
        section.Note("Precision: of the rows predicted as the class, the share that are. Recall: of the rows of the class, the share found.");
    }

    /// <summary>Each class's figures from a confusion matrix (rows: true class, columns: predicted class).</summary>
    public static IReadOnlyList<(string Name, long Rows, double Precision, double Recall, double F1)> PerClass(
        ConfusionMatrix matrix, IReadOnlyList<string> classNames) =>
        Enumerable.Range(0, matrix.NumberOfClasses).Select(c =>
        {
            double precision = matrix.PerClassPrecision[c], recall = matrix.PerClassRecall[c];
            double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
            return (classNames[c], (long)matrix.Counts[c].Sum(), precision, recall, f1);
        }).ToList();

    /// <summary>Adds the sections every report ends with (how to use the model, timings and environment) and saves the
    /// report.</summary>
    public static void EndAndSave(HtmlReport report, RunContext run, string usage)
    {
        UseTheModel(report, usage);
        if (run.Onnx is { } onnx)
            Export.OnnxSection.Add(report, onnx);
        TimingsAndEnvironment(report, run);
        report.Save(run.Output.ReportPath);
    }

    /// <summary>How to run the generated consumption project.</summary>
    private static void UseTheModel(HtmlReport report, string usage)
    {
        report.Section("consumption", "Use the model")
            .Paragraph("model.zip loads with mlContext.Model.Load in any .NET program that references MlNetTriplet. " +
                "The Consumption folder beside this report is such a program; from that folder, run:")
            .Table(["command"], [["dotnet run -- " + usage]])
            .Note("It restores MlNetTriplet from the package in Consumption/packages (a local feed, see its nuget.config) and the rest from nuget.org.");
    }

    /// <summary>The phases' wall times and the machine, libraries and command line of the run.</summary>
    private static void TimingsAndEnvironment(HtmlReport report, RunContext run)
    {
        var section = report.Section("timings", "Timings and environment");
        var phases = run.Timings.Phases;
        section.Table(["phase", "seconds"],
            phases.Select(p => (IReadOnlyList<string>)[p.Phase, F(p.Seconds, "F1")])
                .Append(["whole run, up to this report", F(run.Timings.TotalSeconds, "F1")]),
            numeric: new HashSet<string> { "seconds" });
        section.Facts(
        [
            ("command", run.Settings.CommandLine),
            ("machine", $"{RuntimeInformation.OSDescription}, {RuntimeInformation.OSArchitecture}, {Environment.ProcessorCount} cores"),
            (".NET", RuntimeInformation.FrameworkDescription),
            ("libraries", string.Join(", ", new[] { "MlNetTriplet", "Microsoft.ML.Data", "TorchSharp", "Microsoft.ML.LightGbm" }
                .Select(name => (name, version: Version(name))).Where(v => v.version is not null).Select(v => $"{v.name} {v.version}"))),
            ("finished", DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
        ]);
    }

    private static string? Version(string assemblyName)
    {
        var assembly = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == assemblyName);
        string? informational = assembly?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational?.Split('+')[0] ?? assembly?.GetName().Version?.ToString();
    }
}
