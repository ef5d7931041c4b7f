using System.Globalization;

namespace MlNetTriplet.Bench;

/// <summary>Median and range of a figure over the rounds: the form BENCHMARKS.md asks results to be quoted in.</summary>
internal sealed record Stats(double Median, double Min, double Max, int Count)
{
    public static Stats? Of(IEnumerable<double?> values)
    {
        var sorted = values.OfType<double>().Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
            return null;
        int mid = sorted.Length / 2;
        double median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new Stats(median, sorted[0], sorted[^1], sorted.Length);
    }

    public static Stats? Of(IEnumerable<double> values) => Of(values.Select(v => (double?)v));

    /// <summary>package (op) peer within each round, then median and range over the rounds: runs minutes apart drift,
    /// the two sides of one round share the drift, so it cancels out.</summary>
    public static Stats? Paired<T>(IEnumerable<T> runs, Func<T, double?> figure, Func<double, double, double> combine)
        where T : TrainingRunResult =>
        Of(runs.GroupBy(r => r.Round)
            .Select(g => (A: g.FirstOrDefault(r => r.Side == "package"), B: g.FirstOrDefault(r => r.Side == "peer")))
            .Where(p => p.A is not null && p.B is not null && figure(p.A) is not null && figure(p.B) is not null)
            .Select(p => combine(figure(p.A!)!.Value, figure(p.B!)!.Value)));

    /// <summary>"median (min .. max)" with <paramref name="unit"/> after the median, the median alone for one value,
    /// "n/a" for none: how the reports quote a figure.</summary>
    public static string Range(Stats? s, string format, string unit) => s is null ? "n/a"
        : s.Count == 1 ? s.Median.ToString(format, CultureInfo.InvariantCulture) + unit
        : $"{s.Median.ToString(format, CultureInfo.InvariantCulture)}{unit} ({s.Min.ToString(format, CultureInfo.InvariantCulture)} .. {s.Max.ToString(format, CultureInfo.InvariantCulture)})";
}
