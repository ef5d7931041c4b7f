using System.Globalization;
using MlNetTriplet.Cli.Commands;

namespace MlNetTriplet.Cli.Running;

/// <summary>Why training ended.</summary>
internal enum StopReason
{
    /// <summary>Every planned epoch ran.</summary>
    Completed,
    /// <summary>Early stopping: the validation loss stopped improving; the best epoch's weights were kept.</summary>
    EarlyStopping,
    /// <summary>The --train-time budget ran out; the best epoch so far was kept.</summary>
    Budget,
    /// <summary>Ctrl+C; the best epoch so far was kept.</summary>
    User,
}

/// <summary>A network trained within the budget.</summary>
/// <param name="Model">The trained transformer.</param>
/// <param name="PlannedEpochs">Epochs planned (from the first epoch's length, or --epochs).</param>
/// <param name="Stop">Why training ended.</param>
/// <param name="Plan">How the epochs were chosen, in a sentence.</param>
internal sealed record BudgetedNetwork<TModel>(TModel Model, int PlannedEpochs, StopReason Stop, string Plan)
    where TModel : NetworkTransformer
{
    /// <summary>Epochs trained.</summary>
    public int EpochsRun => Model.History?.Epochs.Count ?? 0;
}

/// <summary>Trains a network within the --train-time budget, using only the trainers' public options: the first epoch
/// runs alone (checkpointed), its length decides the number of epochs (and the cosine schedule's length), and training
/// resumes from the checkpoint. An epoch that would overrun the budget, or Ctrl+C, stops training; the checkpoint then
/// gives back the best epoch so far (early stopping keeps the best weights in it).</summary>
internal static class BudgetedTraining
{
    /// <summary>Trains with <paramref name="fit"/> (which makes a fresh estimator from the options each call, since
    /// estimators copy their options).</summary>
    /// <param name="run">The run: budget, Ctrl+C, console.</param>
    /// <param name="title">What the console shows.</param>
    /// <param name="options">The trainer's options; seed, epochs, callbacks, cancellation and checkpoints are set here.</param>
    /// <param name="fit">Makes the estimator from the options and fits it.</param>
    /// <param name="maxEpochs">The most epochs worth training.</param>
    /// <param name="measureFirstEpoch">Whether to plan the epochs from the first one; false trains
    /// <paramref name="maxEpochs"/> (when each epoch is cheap, like a frozen backbone's head), the budget still
    /// stopping it.</param>
    public static BudgetedNetwork<TModel> Fit<TOptions, TModel>(RunContext run, string title, TOptions options,
        Func<TOptions, TModel> fit, int maxEpochs, bool measureFirstEpoch)
        where TOptions : NetworkTrainingOptions where TModel : NetworkTransformer
    {
        var budget = run.Budget;
        string checkpoints = Directory.CreateTempSubdirectory("mlnettriplet-checkpoint-").FullName;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(run.Stop.Token);
        int planned = budget.FixedEpochs ?? (measureFirstEpoch ? 1 : maxEpochs);
        int epochsDone = 0;
        double lastEpochEnd = double.NaN, firstEpochSeconds = 0;
        bool budgetStopped = false;
        string plan = budget.FixedEpochs is int fixedEpochs ? $"{fixedEpochs} epochs (--epochs)"
            : measureFirstEpoch ? "" : string.Create(CultureInfo.InvariantCulture, $"up to {maxEpochs} epochs within the {budget.Seconds:F0} s budget");
        try
        {
            return run.Console.Train(title, feed =>
            {
                options.Seed = run.Settings.Seed;
                options.CheckpointDirectory = checkpoints;
                options.CancellationToken = stop.Token;
                options.ProgressCallback = p =>
                {
                    if (p.Phase != TrainingPhase.Preparing)
                    {
                        budget.Start(p.Seconds);
                        // Epochs are timed from the first training step (not from the budget's start, which may
                        // include a baseline model).
                        if (double.IsNaN(lastEpochEnd))
                            lastEpochEnd = budget.Elapsed - p.Seconds;
                    }
                    feed.Progress(p);
                };
                options.MetricsCallback = m =>
                {
                    epochsDone = m.Epoch;
                    double now = budget.Elapsed, epochSeconds = now - lastEpochEnd;
                    lastEpochEnd = now;
                    if (m.Epoch == 1)
                        firstEpochSeconds = epochSeconds;
                    feed.Epoch(m, planned);
                    if (budget.FixedEpochs is not null || m.Epoch >= planned)
                        return;
                    if (budget.Remaining < epochSeconds)
                    {
                        budgetStopped = true;
                        stop.Cancel();
                        return;
                    }
                    // A step that runs past the budget (the machine slowed down) is cut there; a little grace first.
                    stop.CancelAfter(TimeSpan.FromSeconds(budget.Remaining + Math.Max(2, 0.05 * budget.Seconds)));
                };

                try
                {
                    options.NumberOfEpochs = planned;
                    var model = fit(options);
                    if (!measureFirstEpoch || budget.FixedEpochs is not null || maxEpochs == 1)
                        return Result(model, planned, plan);
                    planned = budget.Plan(firstEpochSeconds, 1, maxEpochs);
                    plan = string.Create(CultureInfo.InvariantCulture,
                        $"the first epoch took {firstEpochSeconds:F1} s, so {planned} epoch{(planned == 1 ? "" : "s")} fit the {budget.Seconds:F0} s budget") +
                        (planned == maxEpochs ? $" (capped at {maxEpochs})" : "");
                    feed.Line($"  {char.ToUpperInvariant(plan[0])}{plan[1..]}.");
                    if (planned == 1)
                        return Result(model, planned, plan);
                    model.Dispose();
                    options.NumberOfEpochs = planned;
                    options.ResumeFromCheckpoint = true;
                    stop.CancelAfter(TimeSpan.FromSeconds(budget.Remaining + Math.Max(2, 0.05 * budget.Seconds)));
                    return Result(fit(options), planned, plan);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    if (epochsDone == 0)
                        throw new StoppedException("Stopped by Ctrl+C before the first epoch ended: there is no model to keep.");
                    var reason = run.Stop.Requested ? StopReason.User : StopReason.Budget;
                    feed.Line(reason == StopReason.User
                        ? $"  Stopped by Ctrl+C after epoch {epochsDone}: reloading the best epoch so far."
                        : $"  The budget ends before another epoch would: keeping the best of {epochsDone} epochs.");
                    // Resuming with as many epochs as are done trains nothing and returns the checkpoint's best weights.
                    options.NumberOfEpochs = epochsDone;
                    options.ResumeFromCheckpoint = true;
                    options.CancellationToken = CancellationToken.None;
                    options.MetricsCallback = null;
                    return new BudgetedNetwork<TModel>(fit(options), planned, reason, plan);
                }
            });
        }
        finally
        {
            Directory.Delete(checkpoints, recursive: true);
        }

        BudgetedNetwork<TModel> Result(TModel model, int epochs, string how) =>
            new(model, epochs, budgetStopped ? StopReason.Budget
                : model.History?.StoppedEarly == true ? StopReason.EarlyStopping : StopReason.Completed, how);
    }
}
