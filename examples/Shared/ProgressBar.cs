using System.Globalization;

namespace MlNetTriplet.Examples;

/// <summary>Shows a trainer's <see cref="TrainingProgress"/> as a bar redrawn in place on a terminal; when the output is
/// redirected (a log, CI), as a plain line every ten seconds of a long phase, so logs stay short.</summary>
internal sealed class ProgressBar
{
    private const int Width = 28;
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);
    private readonly bool _terminal = !Console.IsOutputRedirected;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private TimeSpan _lastLine;
    private bool _drawn;

    /// <summary>The callback to give <see cref="NetworkTrainingOptions.ProgressCallback"/>.</summary>
    public void Report(TrainingProgress p)
    {
        bool done = p.Step >= p.Steps;
        if (_terminal)
        {
            int filled = p.Steps == 0 ? Width : (int)((long)Width * p.Step / p.Steps);
            Console.Write($"\r  [{new string('#', filled)}{new string('-', Width - filled)}] {Text(p)}   ");
            _drawn = !done;
            if (done)
                Console.Write('\r' + new string(' ', Width + 100) + '\r');
        }
        else if (!done && _clock.Elapsed - _lastLine >= LogInterval)
        {
            _lastLine = _clock.Elapsed;
            Console.WriteLine($"  {Text(p)}");
        }
    }

    /// <summary>Ends a bar left half drawn (an exception, a cancelled run) before other output.</summary>
    public void Clear()
    {
        if (_drawn)
            Console.WriteLine();
        _drawn = false;
    }

    private static string Text(TrainingProgress p)
    {
        string left = p.SecondsLeft is double s && p.Step < p.Steps ? string.Create(CultureInfo.InvariantCulture, $"  {s:F0} s left") : "";
        return string.Create(CultureInfo.InvariantCulture, $"{Phase(p)} {p.Step}/{p.Steps}  {p.ExamplesPerSecond:F0} images/s{left}");
    }

    private static string Phase(TrainingProgress p) => p.Phase switch
    {
        TrainingPhase.Preparing => "preparing",
        TrainingPhase.Validating => $"epoch {p.Epoch} validating",
        _ => $"epoch {p.Epoch}/{p.Epochs}",
    };
}
