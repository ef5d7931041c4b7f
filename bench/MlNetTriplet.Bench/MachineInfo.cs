using System.Runtime.InteropServices;

namespace MlNetTriplet.Bench;

/// <summary>What the figures were measured on. Load averages are kept because on these shared 2-core machines a busy
/// neighbour moves absolute figures 2-5x (BENCHMARKS.md); ratios from alternated runs are what to compare.</summary>
internal sealed record MachineInfo(int Nproc, string CpuModel, string Os, string Dotnet)
{
    public static MachineInfo Read() => new(Environment.ProcessorCount, ReadCpuModel(), RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription);

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
