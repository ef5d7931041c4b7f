using System.Diagnostics;
using System.Text.Json;

namespace MlNetTriplet.Bench;

/// <summary>Starts a run in a process of its own and returns the JSON object it printed last on stdout. Its stderr
/// (per-epoch progress) is inherited, so it shows up live in the bench's output. A child that prints indented JSON
/// (umap_peer.py) is read from the result file it wrote instead.</summary>
internal static class ChildProcess
{
    /// <summary>Debian's interpreter, which has python3-torch: the peers run as their users run them.</summary>
    public const string Python = "/usr/bin/python3";

    public static (JsonElement Result, double Seconds) Run(string fileName, IEnumerable<string> arguments,
        string? resultFile = null)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        string? last = null;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (resultFile is null && line.TrimStart().StartsWith('{'))
                last = line;
            else if (line.Length > 0 && resultFile is null)
                Console.WriteLine("  | " + line);
        }
        process.WaitForExit();
        clock.Stop();
        if (resultFile is not null && process.ExitCode == 0)
            last = File.Exists(resultFile) ? File.ReadAllText(resultFile) : null;
        if (process.ExitCode != 0 || last is null)
            throw new InvalidOperationException(
                $"'{fileName} {string.Join(' ', start.ArgumentList)}' exited with {process.ExitCode}" +
                (last is null ? " without a JSON result line." : "."));
        using var document = JsonDocument.Parse(last);
        return (document.RootElement.Clone(), clock.Elapsed.TotalSeconds);
    }

    /// <summary>How to start this bench again: the apphost directly, or <c>dotnet MlNetTriplet.Bench.dll</c>.</summary>
    public static (string FileName, string[] Prefix) Self()
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("Unknown process path.");
        return Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? (host, [typeof(ChildProcess).Assembly.Location])
            : (host, []);
    }
}
