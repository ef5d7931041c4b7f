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
    /// <summary>Display names of the model's classes: the label values the key maps to, named by <paramref name="set"/>.</summary>
    public static List<(uint Label, string Name)> ClassNames(DataViewSchema.Column labelKeyColumn, ClassNameSet set)
    {
        VBuffer<uint> values = default;
        labelKeyColumn.GetKeyValues(ref values);
        return values.DenseValues()
            .Select(v => (v, MlNetTriplet.Examples.ClassNames.Of(v, set)))
            .ToList();
    }

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

}
