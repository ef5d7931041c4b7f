using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet;
using MlNetTriplet.Examples;

namespace FashionMnistCnn;

/// <summary>Console lines and files the example writes.</summary>
internal static class Report
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,   // a diverged loss is NaN
    };

    /// <summary>One class of the evaluation, in the model's class (key) order.</summary>
    public sealed record ClassResult(uint Label, string Name, int TestImages, double Accuracy, double Precision);

    /// <summary>The per-epoch progress line, for <see cref="NetworkTrainingOptions.MetricsCallback"/>.</summary>
    public static Action<EpochMetrics> ProgressPrinter(int totalEpochs) => m =>
    {
        string valid = m.ValidationLoss is double vl
            ? $"valid loss {vl:F4} acc {Percent(m.ValidationAccuracy)}"
            : "no validation";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {m.Epoch,2}/{totalEpochs}  train loss {m.TrainLoss:F4} acc {Percent(m.TrainAccuracy)}  |  {valid}  |  {m.Seconds,6:F1} s  {m.ExamplesPerSecond,6:F0} images/s"));
    };

    /// <summary>Display names of the model's classes: the label values the key maps to, named by <paramref name="set"/>.</summary>
    public static List<(uint Label, string Name)> ClassNames(DataViewSchema.Column labelKeyColumn, ClassNameSet set)
    {
        VBuffer<uint> values = default;
        labelKeyColumn.GetKeyValues(ref values);
        return values.DenseValues()
            .Select(v => (v, MlNetTriplet.Examples.ClassNames.Of(v, set)))
            .ToList();
    }

    public static List<ClassResult> PerClass(MulticlassClassificationMetrics metrics, List<(uint Label, string Name)> classes)
    {
        var matrix = metrics.ConfusionMatrix;
        return classes.Select((c, i) => new ClassResult(c.Label, c.Name, (int)matrix.Counts[i].Sum(),
            matrix.PerClassRecall[i], matrix.PerClassPrecision[i])).ToList();
    }

    public static void PrintPerClass(IEnumerable<ClassResult> classes)
    {
        Console.WriteLine();
        Console.WriteLine("class  name          test images  accuracy  precision");
        foreach (var c in classes)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Label,5}  {c.Name,-12}  {c.TestImages,11}  {Percent(c.Accuracy),8}  {Percent(c.Precision),9}"));
    }

    public static void WriteMetricsJson(string path, object report) =>
        File.WriteAllText(path, JsonSerializer.Serialize(report, Json) + Environment.NewLine);

    /// <summary>Reads the test accuracy and test row count a training run recorded in metrics.json, if any.</summary>
    public static (double Accuracy, int TestRows)? ReadRecordedAccuracy(string metricsPath)
    {
        if (!File.Exists(metricsPath))
            return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(metricsPath));
            var root = doc.RootElement;
            return (root.GetProperty("test").GetProperty("accuracy").GetDouble(), root.GetProperty("test").GetProperty("rows").GetInt32());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            Console.WriteLine($"(ignoring {metricsPath}: {e.Message})");
            return null;
        }
    }

    public static string Percent(double? value) =>
        value is double v ? v.ToString("P2", CultureInfo.InvariantCulture).Replace(" ", "", StringComparison.Ordinal) : "n/a";
}
