using System.Globalization;

namespace MlNetTriplet.CamBench;

/// <summary>"--name value" pairs, with typed defaults.</summary>
internal sealed class Arguments(Dictionary<string, string> values)
{
    public static Arguments Parse(IEnumerable<string> args)
    {
        var list = args.ToList();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < list.Count; i += 2)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= list.Count)
                throw new ArgumentException($"Expected '--name value' pairs; got '{list[i]}'.");
            values[list[i][2..]] = list[i + 1];
        }
        return new Arguments(values);
    }

    public int Int(string name, int fallback) =>
        values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public string Text(string name, string fallback) => values.GetValueOrDefault(name, fallback);

    public string? Optional(string name) => values.GetValueOrDefault(name);
}
