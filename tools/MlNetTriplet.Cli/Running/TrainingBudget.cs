using System.Diagnostics;

namespace MlNetTriplet.Cli.Running;

/// <summary>The --train-time budget. Its clock starts with the first training step (loading data and computing a
/// frozen backbone's features come before); the epochs that fit are planned from the first one's length.</summary>
internal sealed class TrainingBudget(double seconds, int? fixedEpochs)
{
    /// <summary>Share of the remaining time planned for epochs: the rest absorbs epochs that run slower than the first.</summary>
    internal const double PlanningShare = 0.9;

    private readonly Stopwatch _clock = new();
    private double _startedSecondsAgo;

    /// <summary>The budget in seconds.</summary>
    public double Seconds => seconds;

    /// <summary>The --epochs value, which replaces planning.</summary>
    public int? FixedEpochs => fixedEpochs;

    /// <summary>Whether the clock runs.</summary>
    public bool Started => _clock.IsRunning;

    /// <summary>Seconds since the clock started (0 before).</summary>
    public double Elapsed => _clock.IsRunning ? _clock.Elapsed.TotalSeconds + _startedSecondsAgo : 0;

    /// <summary>Seconds left (the whole budget before the clock starts).</summary>
    public double Remaining => seconds - Elapsed;

    /// <summary>Starts the clock, as if it had started <paramref name="secondsAgo"/> seconds ago; later calls do nothing.</summary>
    public void Start(double secondsAgo = 0)
    {
        if (_clock.IsRunning)
            return;
        _startedSecondsAgo = secondsAgo;
        _clock.Start();
    }

    /// <summary>How many epochs to train in all, <paramref name="epochsDone"/> of them already done, the next ones each
    /// expected to take <paramref name="epochSeconds"/>: what fits in the planned share of the remaining time, at least
    /// the epochs done and at most <paramref name="maxEpochs"/>. --epochs overrides it.</summary>
    public int Plan(double epochSeconds, int epochsDone, int maxEpochs)
    {
        if (fixedEpochs is int epochs)
            return epochs;
        double fit = Math.Floor(PlanningShare * Math.Max(Remaining, 0) / Math.Max(epochSeconds, 1e-3));
        return (int)Math.Clamp(epochsDone + fit, Math.Max(epochsDone, 1), Math.Max(maxEpochs, epochsDone));
    }
}
