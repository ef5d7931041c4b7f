using System.Globalization;
using System.Runtime.InteropServices;

namespace MlNetTriplet.Bench;

/// <summary>What the figures were measured on. Load averages are kept because on these shared 2-core machines a busy
/// neighbour moves absolute figures 2-5x (BENCHMARKS.md); ratios from alternated runs are what to compare.</summary>
internal sealed record MachineInfo(int Nproc, string CpuModel, string Os, string Dotnet)
{
    public static MachineInfo Read() => new(Environment.ProcessorCount, ReadCpuModel(), RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription);

    /// <summary>The lines a report's markdown starts with: when and how long, under what load, on what machine, with
    /// which OpenMP environment (inherited by every side of the run).</summary>
    public string ReportHeader(DateTimeOffset started, DateTimeOffset finished, string? loadAtStart, string? loadAtEnd,
        IReadOnlyDictionary<string, string?> omp) => string.Create(CultureInfo.InvariantCulture,
        $"- Date: {started:yyyy-MM-dd HH:mm zzz} ({(finished - started).TotalMinutes:F0} min); load average (1/5/15 min) at start {loadAtStart}, at end {loadAtEnd}\n" +
        $"- Machine: {Nproc} cores, {CpuModel}; {Os}; {Dotnet}\n" +
        $"- OpenMP env (every side): {string.Join(", ", omp.Select(p => $"`{p.Key}={p.Value ?? "(unset)"}`"))}\n");

    /// <summary>The 1, 5 and 15 minute load averages, e.g. "0.12 0.40 1.05"; null off Linux.</summary>
    public static string? LoadAverageNow() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;

    private static string ReadCpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!File.Exists(cpuinfo))
            return RuntimeInformation.ProcessArchitecture.ToString();
        string? line = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? "unknown" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}
