using System.Diagnostics;

namespace MlNetTriplet.Training;

/// <summary>Reports one phase's progress at a sensible rate: the callback at most twice a second and when the phase
/// ends, <c>MLContext.Log</c> every ten seconds while a phase runs longer than that.</summary>
internal sealed class ProgressReporter(Action<TrainingProgress>? callback, ITrainingLog log, TrainingPhase phase,
    int epoch, int epochs, int steps)
{
    private static readonly TimeSpan CallbackInterval = TimeSpan.FromSeconds(0.5), LogInterval = TimeSpan.FromSeconds(10);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastCallback, _lastLog;

    public void Step(int step, long examples, double? loss)
    {
        var now = _clock.Elapsed;
        bool last = step >= steps;
        if (callback is not null && (last || now - _lastCallback >= CallbackInterval))
        {
            _lastCallback = now;
            callback(Progress(step, examples, loss, now));
        }
        if (!last && now - _lastLog >= LogInterval)
        {
            _lastLog = now;
            log.Info(Progress(step, examples, loss, now).ToString());
        }
    }

    private TrainingProgress Progress(int step, long examples, double? loss, TimeSpan now) =>
        new(phase, epoch, epochs, step, steps, examples, now.TotalSeconds, loss);
}
