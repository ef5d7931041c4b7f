using System.Text.Json;

namespace MlNetTriplet.Cli.Tests;

/// <summary>Reads a run's metrics.json.</summary>
internal static class Json
{
    public static JsonElement Metrics(string outputDirectory) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(outputDirectory, "metrics.json"))).RootElement;

    /// <summary>The value at a dotted path, e.g. "network.auc".</summary>
    public static JsonElement At(this JsonElement element, string path) =>
        path.Split('.').Aggregate(element, (e, name) => e.GetProperty(name));
}
