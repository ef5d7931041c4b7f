using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.Data;

namespace MlNetTriplet.Examples;

/// <summary>What the classifier examples print and write: epoch lines, per-class tables, metrics.json.</summary>
internal static class ClassifierReport
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,   // a diverged loss is NaN
    };

    /// <summary>One class of an evaluation, in the model's class (key) order.</summary>
    public sealed record ClassResult(string Name, int Rows, double Recall, double Precision, double F1);

    /// <summary>The per-epoch line, for <see cref="NetworkTrainingOptions.MetricsCallback"/>.</summary>
    public static Action<EpochMetrics> EpochPrinter(int totalEpochs) => m =>
    {
        string valid = m.ValidationLoss is double vl
            ? $"valid loss {vl:F4} acc {Percent(m.ValidationAccuracy)}"
            : "no validation";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {m.Epoch,2}/{totalEpochs}  train loss {m.TrainLoss:F4} acc {Percent(m.TrainAccuracy)}  |  {valid}  |  {m.Seconds,6:F1} s  {m.ExamplesPerSecond,6:F0} images/s"));
    };

    public static List<ClassResult> PerClass(MulticlassClassificationMetrics metrics, IReadOnlyList<string> names)
    {
        var matrix = metrics.ConfusionMatrix;
        return names.Select((name, i) =>
        {
            double recall = matrix.PerClassRecall[i], precision = matrix.PerClassPrecision[i];
            double f1 = recall + precision > 0 ? 2 * recall * precision / (recall + precision) : 0;
            return new ClassResult(name, (int)matrix.Counts[i].Sum(), recall, precision, f1);
        }).ToList();
    }

    public static void PrintPerClass(IEnumerable<ClassResult> classes)
    {
        Console.WriteLine();
        Console.WriteLine("class                   rows    recall  precision        F1");
        foreach (var c in classes)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Name,-20}  {c.Rows,6}  {Percent(c.Recall),8}  {Percent(c.Precision),9}  {Percent(c.F1),8}"));
    }

    public static void WriteMetricsJson(string path, object report) =>
        File.WriteAllText(path, JsonSerializer.Serialize(report, Json) + Environment.NewLine);

    public static string Percent(double? value) =>
        value is double v ? v.ToString("P2", CultureInfo.InvariantCulture).Replace(" ", "", StringComparison.Ordinal) : "n/a";
}
