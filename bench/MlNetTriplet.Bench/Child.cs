using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using TorchSharp;

namespace MlNetTriplet.Bench;

/// <summary>The <c>cnn-one</c> command: one run of one .NET side in this process. Progress goes to stderr (the
/// parent passes it through); stdout carries only the result as one JSON line, which the parent parses.</summary>
internal static class Child
{
    public static readonly string[] OmpVariables = ["OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT"];

    public static string RuntimeDescription =>
        $"TorchSharp {typeof(torch).Assembly.GetName().Version} on {RuntimeInformation.FrameworkDescription}";

    public static int Run(CnnOptions o)
    {
        // Same intra-op threads as the peer's torch.set_num_threads; this also loads libtorch (and libgomp, which
        // reads the OMP_* variables inherited from the parent once, now).
        torch.set_num_threads(o.Threads);
        RunResult result = o.Side switch
        {
            "package" => PackageRun.Run(o),
            "bare" => BareTorchSharpRun.Run(o),
            _ => throw new ArgumentException($"--side must be 'package' or 'bare', not '{o.Side}'."),
        };
        Console.Out.WriteLine(JsonSerializer.Serialize(result, Json.Line));
        return 0;
    }

    public static void Progress(string side, EpochFigures e) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  [{side}] epoch {e.Epoch}: loss {e.Loss:F4} train_acc {e.TrainAccuracy:F4} {e.ImagesPerSecond:F1} img/s, RSS {e.RssMb:F0} MB"));

    public static IReadOnlyDictionary<string, string?> OmpEnv() =>
        OmpVariables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
}
