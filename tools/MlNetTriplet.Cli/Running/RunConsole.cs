using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace MlNetTriplet.Cli.Running;

/// <summary>Where the tool's messages go: on a terminal, a live progress bar with the running epoch's figures; when
/// the output is redirected (CI, a log file), plain lines, one per epoch and one every ten seconds inside a long phase.</summary>
internal sealed class RunConsole
{
    private const double PlainProgressSeconds = 10;
    private readonly bool _interactive;

    private RunConsole(bool interactive, bool verbose)
    {
        _interactive = interactive;
        Verbose = verbose;
    }

    /// <summary>Live display when standard output is a terminal that can redraw, plain lines otherwise.</summary>
    public static RunConsole Create(bool verbose) =>
        new(!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive, verbose);

    /// <summary>Whether --verbose was given.</summary>
    public bool Verbose { get; }

    /// <summary>One line of what the tool is doing.</summary>
    public void Line(string text)
    {
        if (_interactive)
            AnsiConsole.MarkupLine(Markup.Escape(text));
        else
            Console.WriteLine(text);
    }

    /// <summary>A heading before a phase (bold on a terminal).</summary>
    public void Heading(string text)
    {
        if (_interactive)
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(text)}[/]");
        else
            Console.WriteLine(text);
    }

    /// <summary>A line on standard error.</summary>
    public void Error(string text) => Console.Error.WriteLine(text);

    /// <summary>Runs a training, showing its progress: <paramref name="train"/> gets the feed to pass to the trainer's
    /// callbacks.</summary>
    public T Train<T>(string title, Func<TrainingFeed, T> train)
    {
        Heading(title);
        if (!_interactive)
        {
            // A progress line only after ten silent seconds: epoch lines already say how training goes.
            var sinceLine = Stopwatch.StartNew();
            return train(new TrainingFeed(p =>
            {
                if (sinceLine.Elapsed.TotalSeconds >= PlainProgressSeconds || (p.Step == p.Steps && p.Phase == TrainingPhase.Preparing))
                {
                    Line("  " + Describe(p));
                    sinceLine.Restart();
                }
            }, text =>
            {
                Line(text);
                sinceLine.Restart();
            }));
        }
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: 1);
                result = train(new TrainingFeed(p =>
                {
                    task.Description = Markup.Escape(Describe(p));
                    task.MaxValue = Math.Max(p.Steps, 1);
                    task.Value = p.Step;
                }, text => AnsiConsole.MarkupLine(Markup.Escape(text))));
                task.Value = task.MaxValue;
            });
        return result;
    }

    private static string Describe(TrainingProgress p) => p.Phase switch
    {
        TrainingPhase.Preparing => string.Create(CultureInfo.InvariantCulture,
            $"preparing: {p.Step:N0}/{p.Steps:N0} batches, {p.ExamplesPerSecond:N0} examples/s"),
        TrainingPhase.Validating => string.Create(CultureInfo.InvariantCulture,
            $"epoch {p.Epoch}/{p.Epochs} validating: {p.Step:N0}/{p.Steps:N0} batches"),
        _ => string.Create(CultureInfo.InvariantCulture,
            $"epoch {p.Epoch}/{p.Epochs}: {p.Step:N0}/{p.Steps:N0} batches, loss {p.Loss:F4}, {p.ExamplesPerSecond:N0} examples/s"),
    };
}

/// <summary>What a training run reports to the console: progress within epochs, and one line per finished epoch.</summary>
/// <param name="Progress">For <see cref="NetworkTrainingOptions.ProgressCallback"/>.</param>
/// <param name="Line">Writes a line above the live display (or plainly).</param>
internal sealed record TrainingFeed(Action<TrainingProgress> Progress, Action<string> Line)
{
    /// <summary>The line of a finished epoch: losses, accuracies, time.</summary>
    public void Epoch(EpochMetrics m, int epochs) => Line(string.Create(CultureInfo.InvariantCulture,
        $"  epoch {m.Epoch,3}/{epochs}: loss {m.TrainLoss:F4}")
        + (m.TrainAccuracy is double ta ? $", accuracy {Report.CommonSections.Percent(ta)}" : "")
        + (m.ValidationLoss is double vl ? string.Create(CultureInfo.InvariantCulture, $", validation loss {vl:F4}") : "")
        + (m.ValidationAccuracy is double va ? $", validation accuracy {Report.CommonSections.Percent(va)}" : "")
        + string.Create(CultureInfo.InvariantCulture, $" ({m.Seconds:F1} s, {m.ExamplesPerSecond:N0} examples/s)"));
}
