using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetTriplet.Cli.Commands;

namespace MlNetTriplet.Cli.Running;

/// <summary>What a scenario run works with: its settings, the console, Ctrl+C, one seeded MLContext, the training
/// budget, the phase timings and the output folder.</summary>
internal sealed class RunContext
{
    public RunContext(CommonSettings settings, RunConsole console, StopSignal stop)
    {
        Settings = settings;
        Console = console;
        Stop = stop;
        Ml = new MLContext(seed: settings.Seed);
        Ml.Log += (_, e) =>
        {
            // Warnings always (an unreadable photo skipped, say); the trainers' running commentary with --verbose.
            if (e.Kind is ChannelMessageKind.Warning or ChannelMessageKind.Error
                || (console.Verbose && e.Kind == ChannelMessageKind.Info))
                console.Line($"  [{e.Source}] {e.RawMessage}");
        };
        Budget = new TrainingBudget(settings.TrainSeconds, settings.Epochs);
        Output = new OutputFolder(settings.OutputDirectory);
    }

    public CommonSettings Settings { get; }
    public RunConsole Console { get; }
    public StopSignal Stop { get; }
    public MLContext Ml { get; }
    public TrainingBudget Budget { get; }
    public PhaseTimes Timings { get; } = new();
    public OutputFolder Output { get; }

    /// <summary>The ONNX export of the model, once written (the report describes it).</summary>
    public Export.OnnxOutcome? Onnx { get; set; }
}

/// <summary>Wall time of each phase of a run, for the report.</summary>
internal sealed class PhaseTimes
{
    private readonly Stopwatch _total = Stopwatch.StartNew();
    private readonly List<(string Phase, double Seconds)> _phases = [];

    /// <summary>The phases in order.</summary>
    public IReadOnlyList<(string Phase, double Seconds)> Phases => _phases;

    /// <summary>Seconds since the run started.</summary>
    public double TotalSeconds => _total.Elapsed.TotalSeconds;

    /// <summary>Runs <paramref name="work"/> and records its wall time under <paramref name="phase"/>.</summary>
    public T Measure<T>(string phase, Func<T> work)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            return work();
        }
        finally
        {
            _phases.Add((phase, clock.Elapsed.TotalSeconds));
        }
    }

    /// <summary>Runs <paramref name="work"/> and records its wall time under <paramref name="phase"/>.</summary>
    public void Measure(string phase, Action work) => Measure(phase, () =>
    {
        work();
        return 0;
    });
}

/// <summary>The files a run writes.</summary>
internal sealed class OutputFolder(string directory)
{
    public string Directory => directory;
    public string ModelPath => Path.Combine(directory, "model.zip");
    public string MetricsPath => Path.Combine(directory, "metrics.json");
    public string ReportPath => Path.Combine(directory, "report.html");
    public string ConsumptionDirectory => Path.Combine(directory, "Consumption");
    public string OnnxPath => Path.Combine(directory, "model.onnx");
    public string OnnxManifestPath => Path.Combine(directory, "model.onnx.json");

    /// <summary>A PNG under plots/.</summary>
    public string Plot(string name) => Path.Combine(directory, "plots", name + ".png");

    /// <summary>Creates the folder.</summary>
    public void Create() => System.IO.Directory.CreateDirectory(directory);

    /// <summary>Checks, before any data is read or any training step, that the run can write its outputs: the folder
    /// (created when missing) takes a new file, and the files a previous run left there can be replaced.</summary>
    /// <exception cref="InputException">Something cannot be written; the message names it.</exception>
    public void CheckWritable()
    {
        string? at = null;
        try
        {
            Create();
            at = Path.Combine(directory, $".mlnettriplet-write-check-{Environment.ProcessId}");
            File.WriteAllBytes(at, []);
            File.Delete(at);
            foreach (string file in new[] { ModelPath, MetricsPath, ReportPath }.Where(File.Exists))
            {
                at = file;
                using (File.Open(file, FileMode.Open, FileAccess.Write)) { }   // opened, not changed
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new InputException($"--output '{directory}' cannot be written ({(at is null ? "creating the folder" : $"'{at}'")}: {e.Message}): give a folder you can write to.");
        }
    }
}
