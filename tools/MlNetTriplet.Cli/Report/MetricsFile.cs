using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlNetTriplet.Cli.Report;

/// <summary>metrics.json: the run's figures for scripts (camelCase, indented; NaN written as null).</summary>
internal static class MetricsFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void Write(string path, object metrics) => File.WriteAllText(path, JsonSerializer.Serialize(metrics, Options));
}
