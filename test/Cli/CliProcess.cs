using System.Diagnostics;
using System.Reflection;

namespace MlNetTriplet.Cli.Tests;

/// <summary>What a finished child process printed and returned.</summary>
internal sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>Runs the tool (and dotnet) as a user would: a child process with redirected output, so the tool prints
/// plain lines.</summary>
internal static class CliProcess
{
    public static string CliPath { get; } = Metadata("CliPath");
    public static string RepoRoot { get; } = Metadata("RepoRoot");
    public static string Configuration { get; } = Metadata("Configuration");

    /// <summary>Runs mlnettriplet with <paramref name="arguments"/> and waits for it.</summary>
    public static ProcessResult Run(params string[] arguments) => Dotnet(null, [CliPath, .. arguments]);

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="directory"/> and waits.</summary>
    public static ProcessResult Dotnet(string? directory, IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        Execute("dotnet", directory, arguments, timeout);

    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/> in <paramref name="directory"/> and
    /// waits.</summary>
    public static ProcessResult Execute(string program, string? directory, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        using var process = Start(directory, arguments, program);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', arguments)} did not finish in time.\n{output.Result}\n{error.Result}");
        }
        return new ProcessResult(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Starts <paramref name="program"/> (by default <c>dotnet</c>) without waiting.</summary>
    public static Process Start(string? directory, IEnumerable<string> arguments, string program = "dotnet")
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = directory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        // The build server would outlive the test run and hold the machine's cores.
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
    }

    private static string Metadata(string key) =>
        typeof(CliProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
