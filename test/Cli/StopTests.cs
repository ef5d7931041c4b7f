using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.ML;

namespace MlNetTriplet.Cli.Tests;

/// <summary>Ctrl+C (SIGINT) during training: training stops between two steps, the best epoch so far becomes the
/// model, and every output is written.</summary>
[TestClass]
public sealed class StopTests
{
    [TestMethod]
    public void CtrlC_AfterTheFirstEpoch_KeepsTheBestModelAndWritesTheOutputs()
    {
        string folder = CliData.TempDirectory();
        try
        {
            string output = Path.Combine(folder, "out");
            RestoreSigIntIfIgnored();
            using var process = CliProcess.Start(null, [CliProcess.CliPath, "embeddings", "--dataset", CliData.FashionMnist,
                "--max-rows", "3000", "--epochs", "200", "-o", output]);
            var error = process.StandardError.ReadToEndAsync();
            var lines = new List<string>();
            string? line;
            while ((line = process.StandardOutput.ReadLine()) is not null)
            {
                lines.Add(line);
                if (line.StartsWith("  epoch   1/200:", StringComparison.Ordinal))
                    Interrupt(process.Id);
            }
            process.WaitForExit();
            string printed = string.Join('\n', lines);
            Assert.AreEqual(0, process.ExitCode, printed + "\n" + error.Result);
            StringAssert.Contains(printed, "Stopped by Ctrl+C after epoch");

            var metrics = Json.Metrics(output);
            Assert.AreEqual("user", metrics.At("training.stop").GetString());
            int epochs = metrics.At("training.epochs").GetInt32();
            Assert.IsTrue(epochs is >= 1 and < 200, $"{epochs} epochs");
            StringAssert.Contains(File.ReadAllText(Path.Combine(output, "report.html")), "Training was stopped by Ctrl+C");
            Assert.IsNotNull(new MLContext().Model.Load(Path.Combine(output, "model.zip"), out _));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A test run started in the background by a non-interactive shell (<c>.ci/run &amp;</c>) inherits SIGINT
    /// ignored, as POSIX shells start such jobs, and would pass that on to the CLI, which then rightly keeps ignoring
    /// it. A terminal's foreground job, what the test stands for, has the default action: restore it here
    /// (<c>/proc/self/status</c> SigIgn holds the ignored signals, SIGINT = 2 is bit 1).</summary>
    private static void RestoreSigIntIfIgnored()
    {
        string? mask = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        if (mask is not null && (Convert.ToUInt64(mask["SigIgn:".Length..].Trim(), 16) & 0b10) != 0)
            signal(SigInt, IntPtr.Zero);   // SIG_DFL
    }

    private const int SigInt = 2;

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr signal(int signum, IntPtr handler);

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
    private static void Interrupt(int pid)
    {
        using var kill = Process.Start("kill", ["-INT", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
