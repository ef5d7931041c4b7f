using System.Diagnostics;
using System.Text;

namespace MlNetTriplet.Tests.Infrastructure;

/// <summary>Runs a program to its end and keeps what it printed (standard output and error, interleaved as read).</summary>
internal static class ChildProcess
{
    public sealed record Result(int ExitCode, string Output);

    /// <summary>Runs <paramref name="program"/>; <paramref name="environment"/> entries set (or, with a null value,
    /// remove) variables of the child's environment.</summary>
    public static Result Run(string program, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment = null, int timeoutMinutes = 10)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            start.Environment[name] = value;
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(timeoutMinutes)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', arguments)} did not end within {timeoutMinutes} minutes:\n{output}");
        }
        process.WaitForExit();   // drains the output events
        return new Result(process.ExitCode, output.ToString());
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
            return;
        lock (output)
            output.AppendLine(line);
    }
}
