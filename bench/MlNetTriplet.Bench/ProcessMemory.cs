using System.Globalization;

namespace MlNetTriplet.Bench;

/// <summary>Resident memory of this process from /proc/self/status (Linux). VmHWM is the peak since the process
/// started, which is why every run gets a process of its own.</summary>
internal static class ProcessMemory
{
    public static double? PeakRssMb() => ReadMb("VmHWM:");

    public static double? CurrentRssMb() => ReadMb("VmRSS:");

    private static double? ReadMb(string key)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
            return null;
        foreach (string line in File.ReadLines(status))
        {
            if (!line.StartsWith(key, StringComparison.Ordinal))
                continue;
            // "VmHWM:    123456 kB"
            string kb = line[key.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            return long.Parse(kb, CultureInfo.InvariantCulture) / 1024.0;
        }
        return null;
    }
}
