using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlNetTriplet.Bench;

/// <summary>snake_case JSON, like the peers' output, so results from both worlds read the same.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Line = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // A missing figure (e.g. VmHWM off Linux) is NaN rather than a crash.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static readonly JsonSerializerOptions Indented = new(Line) { WriteIndented = true };
}
