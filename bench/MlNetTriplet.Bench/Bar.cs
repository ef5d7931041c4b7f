using System.Globalization;
using System.Text;

namespace MlNetTriplet.Bench;

/// <summary>One bar of a package-vs-peer report: the figure, what the issue requires, the measured median (min-max)
/// and the verdict; <see cref="Group"/> is the mode (or recipe) it belongs to.</summary>
internal sealed record Bar(string Group, string Name, string Required, string Measured, string Verdict)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string VerdictOf(bool? pass) => pass switch { true => "pass", false => "FAIL", null => "n/a" };

    /// <summary>A speed ratio (package / peer) whose median must reach <paramref name="bar"/>, with an optional goal.</summary>
    public static Bar Ratio(string group, string name, Stats? ratio, double bar, double? goal)
    {
        string verdict = VerdictOf(ratio is null ? null : ratio.Median >= bar);
        if (goal is double g && ratio is not null)
            verdict += ratio.Median >= g ? ", goal met" : ", goal not met";
        return new(group, name, $">= {bar.ToString(Inv)}x" + (goal is double gg ? $" (goal {gg.ToString(Inv)}x)" : ""),
            Stats.Range(ratio, "F2", "x"), verdict);
    }

    /// <summary>A difference in points (package - peer) whose median must be within <paramref name="points"/> of 0.</summary>
    public static Bar Within(string group, string name, Stats? difference, double points) =>
        new(group, name, "within " + points.ToString("F1", Inv), Stats.Range(difference, "F2", ""),
            VerdictOf(difference is null ? null : Math.Abs(difference.Median) <= points));

    /// <summary>The markdown table of <paramref name="bars"/>, its first column headed <paramref name="group"/>.</summary>
    public static string Table(IEnumerable<Bar> bars, string group)
    {
        var md = new StringBuilder();
        md.Append($"| {group} | figure | bar | measured | verdict |\n|---|---|---|---|---|\n");
        foreach (var b in bars)
            md.Append($"| {b.Group} | {b.Name} | {b.Required} | {b.Measured} | {b.Verdict} |\n");
        return md.ToString();
    }
}
