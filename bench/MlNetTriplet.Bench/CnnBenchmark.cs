using System.Globalization;
using System.Text.Json;

namespace MlNetTriplet.Bench;

/// <summary>The <c>cnn</c> command: rounds of package / bare TorchSharp / PyTorch peer, each run in its own process,
/// the order rotated every round so that slow drift of a shared machine does not always hit the same side.</summary>
internal static class CnnBenchmark
{
    private static readonly string[] Sides = ["package", "bare", "peer"];

    public static int Run(CnnOptions o)
    {
        string repoRoot = RepoRoot.Find();
        string outDir = Path.GetFullPath(o.OutDir ?? Path.Combine(repoRoot, "bench", "results"));
        string tmpDir = Path.Combine(outDir, "tmp");
        Directory.CreateDirectory(tmpDir);
        string peersDir = Path.Combine(repoRoot, "bench", "peers");
        var machine = MachineInfo.Read();
        var started = DateTimeOffset.Now;
        string? loadAtStart = MachineInfo.LoadAverageNow();
        var omp = Child.OmpEnv();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CNN benchmark: {o.Pairs} rounds x (package, bare TorchSharp, PyTorch peer), {o.Epochs} epochs, batch {o.BatchSize}, {o.Threads} threads, seed {o.Seed}"));
        Console.WriteLine($"data {o.DataDir} (n_train {Limit(o.NTrain)}, n_test {Limit(o.NTest)}); {machine.Nproc} x {machine.CpuModel}; load {loadAtStart}");
        Console.WriteLine("OpenMP env: " + string.Join(", ", omp.Select(p => $"{p.Key}={p.Value ?? "(unset)"}")));

        var (self, prefix) = ChildProcess.Self();
        var runs = new List<RunResult>();
        for (int round = 1; round <= o.Pairs; round++)
        {
            var order = Sides.Skip((round - 1) % Sides.Length).Concat(Sides.Take((round - 1) % Sides.Length)).ToArray();
            Console.WriteLine($"round {round}/{o.Pairs}: {string.Join(", ", order)}");
            for (int k = 0; k < order.Length; k++)
            {
                RunResult result;
                string? loadBefore = MachineInfo.LoadAverageNow();
                if (order[k] == "peer")
                {
                    result = PeerRun.Run(o, peersDir, tmpDir, round);
                }
                else
                {
                    var (json, seconds) = ChildProcess.Run(self, [.. prefix, "cnn-one", .. o.ChildArgs(order[k])]);
                    result = json.Deserialize<RunResult>(Json.Line)! with { ProcessSeconds = seconds };
                }
                result = result with
                {
                    Round = round, OrderInRound = k, LoadAverageBefore = loadBefore, LoadAverageAfter = MachineInfo.LoadAverageNow(),
                };
                runs.Add(result);
                Console.WriteLine(Report.RunLine(result));
            }
        }

        var report = new Report(o, machine, started, loadAtStart, DateTimeOffset.Now, omp, runs);
        report.Write(outDir);
        report.PrintTable();
        Console.WriteLine($"wrote {Path.Combine(outDir, "cnn.json")} and {Path.Combine(outDir, "cnn.md")}");
        return 0;
    }

    private static string Limit(int n) => n > 0 ? CnnOptions.Str(n) : "all";
}
