using System.Diagnostics;
using MlNetTriplet.Batches;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MlNetTriplet.Training;

/// <summary>The one training loop of the package: epochs of sampled batches, optimiser and schedule, L1/L2,
/// gradient clipping, validation, early stopping with best-weights restore, metrics callback, cancellation and
/// checkpoints. Every estimator plugs its network, batch sources and objective into it.</summary>
internal sealed class NetworkTrainer(NetworkTrainingOptions options, ITrainingLog log, long seed)
{
    /// <summary>Trains <paramref name="parts"/> of <paramref name="model"/> (default: all of it) on
    /// <paramref name="train"/>'s batches, evaluating <paramref name="validation"/>'s batches after every epoch.</summary>
    public TrainingHistory Fit(nn.Module<Tensor, Tensor> model, BatchSource train, BatchSource? validation,
        ITrainingObjective objective, TrainableParts? parts = null)
    {
        options.CheckBeforeFit(validation is not null);
        if (options.EarlyStoppingMetric == EarlyStoppingMetric.ValidationAccuracy && !objective.ReportsAccuracy)
            throw new InvalidOperationException("EarlyStoppingMetric.ValidationAccuracy needs a classifier.");

        parts ??= TrainableParts.All(model);
        foreach (var frozen in parts.Frozen)
            foreach (var p in frozen.parameters())
                p.requires_grad = false;
        var trained = parts.Groups.SelectMany(g => g.Parameters).ToList();
        var penalised = trained.Where(p => p.dim() > 1).Select(p => (Tensor)p).ToList();
        using var optimizer = CreateOptimizer(parts.Groups);
        var checkpoint = options.CheckpointDirectory is null ? null : new Checkpoint(options.CheckpointDirectory);
        using var best = new WeightSnapshot();
        var state = options.ResumeFromCheckpoint && checkpoint?.Exists == true
            ? checkpoint.Load(model, optimizer, best)
            : new TrainingState();
        if (state.Epochs.Count > 0)
            log.Info($"Resuming from {options.CheckpointDirectory} after epoch {state.Epochs.Count}.");

        bool stoppedEarly = false, allocatorTuned = !options.TuneNativeAllocator;
        for (int epoch = state.Epochs.Count; epoch < options.NumberOfEpochs; epoch++)
        {
            double lr = LearningRateAt(epoch);
            foreach (var (group, factor) in optimizer.ParamGroups.Zip(parts.Groups.Select(g => g.LearningRateFactor)))
                group.LearningRate = lr * factor;
            random.manual_seed(BatchPlan.EpochSeed(seed, epoch) ^ 0x5DEECE66DL); // dropout of this epoch
            model.train();
            foreach (var frozen in parts.Frozen)
                frozen.eval();

            double lossSum = 0;
            long seen = 0, correct = 0;
            int step = 0;
            var progress = new ProgressReporter(options.ProgressCallback, log, TrainingPhase.Training, epoch + 1,
                options.NumberOfEpochs, train.StepsPerEpoch);
            var clock = Stopwatch.StartNew();
            foreach (var batch in train.Batches(epoch))
            {
                using var owned = batch;
                options.CancellationToken.ThrowIfCancellationRequested();
                log.CheckAlive();
                if (!allocatorTuned)
                {
                    NativeAllocator.Tune(batch.Features.NumberOfElements * batch.Features.ElementSize);
                    allocatorTuned = true;
                }
                using var scope = NewDisposeScope();
                var output = model.forward(batch.Features);
                var loss = objective.Loss(output, batch.Labels);
                var total = AddPenalties(loss, penalised);
                optimizer.zero_grad();
                total.backward();
                if (options.GradientClipValue is double clipValue)
                    nn.utils.clip_grad_value_(trained, clipValue);
                if (options.GradientClipNorm is double clipNorm)
                    nn.utils.clip_grad_norm_(trained, clipNorm);
                optimizer.step();

                long n = batch.Count;
                float value = loss.item<float>();
                if (!float.IsFinite(value))
                    throw new InvalidOperationException(
                        $"Training diverged in epoch {epoch + 1}: the loss became {value}. Lower LearningRate or set GradientClipNorm.");
                lossSum += value * n;
                seen += n;
                if (objective.ReportsAccuracy)
                    correct += objective.CountCorrect(output, batch.Labels);
                progress.Step(++step, seen, lossSum / seen);
            }
            clock.Stop();

            (double loss, double? accuracy)? valid = validation is null ? null
                : Evaluate(model, validation, objective, epoch + 1);
            var metrics = new EpochMetrics(epoch + 1, lossSum / Math.Max(seen, 1),
                objective.ReportsAccuracy ? (double)correct / Math.Max(seen, 1) : null,
                valid?.loss, valid?.accuracy, lr, clock.Elapsed.TotalSeconds, seen);
            state.Epochs.Add(metrics);
            Report(metrics);

            if (options.EarlyStoppingPatience > 0)
            {
                double score = options.EarlyStoppingMetric == EarlyStoppingMetric.ValidationLoss
                    ? -valid!.Value.loss
                    : valid!.Value.accuracy!.Value;
                if (state.BestEpoch == 0 || score > state.BestScore + options.EarlyStoppingMinDelta)
                {
                    state.BestEpoch = epoch + 1;
                    state.BestScore = score;
                    best.Capture(model);
                }
                stoppedEarly = epoch + 1 - state.BestEpoch >= options.EarlyStoppingPatience
                               && epoch + 1 < options.NumberOfEpochs;
            }
            checkpoint?.Save(model, optimizer, state, best);
            if (stoppedEarly)
            {
                log.Info($"Early stopping after epoch {epoch + 1}: no improvement since epoch {state.BestEpoch}.");
                break;
            }
        }

        bool restoreBest = options.EarlyStoppingPatience > 0 && !best.IsEmpty;
        if (restoreBest)
            best.Restore(model);
        model.eval();
        int kept = restoreBest ? state.BestEpoch : state.Epochs.Count;
        return new TrainingHistory(state.Epochs.ToArray(), kept, stoppedEarly);
    }

    /// <summary>Mean loss (and accuracy) over <paramref name="data"/>'s epoch-0 batches (the same every time), in
    /// eval mode without gradients; progress is reported as validation after 1-based <paramref name="epoch"/>.</summary>
    internal (double loss, double? accuracy) Evaluate(nn.Module<Tensor, Tensor> model, BatchSource data,
        ITrainingObjective objective, int epoch = 0)
    {
        model.eval();
        using var noGrad = no_grad();
        double lossSum = 0;
        long correct = 0, seen = 0;
        int step = 0;
        var progress = new ProgressReporter(options.ProgressCallback, log, TrainingPhase.Validating, epoch,
            options.NumberOfEpochs, data.StepsPerEpoch);
        foreach (var batch in data.Batches(0))
        {
            using var owned = batch;
            options.CancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var output = model.forward(batch.Features);
            long n = batch.Count;
            lossSum += objective.Loss(output, batch.Labels).item<float>() * n;
            if (objective.ReportsAccuracy)
                correct += objective.CountCorrect(output, batch.Labels);
            seen += n;
            progress.Step(++step, seen, null);
        }
        return (lossSum / Math.Max(seen, 1), objective.ReportsAccuracy ? (double)correct / Math.Max(seen, 1) : null);
    }

    private Tensor AddPenalties(Tensor loss, List<Tensor> weights)
    {
        if (weights.Count == 0 || (options.L1 == 0 && options.L2 == 0))
            return loss;
        var total = loss;
        if (options.L1 > 0)
            total = total + options.L1 * stack(weights.Select(w => w.abs().sum())).sum();
        if (options.L2 > 0)
            total = total + options.L2 * stack(weights.Select(w => w.square().sum())).sum();
        return total;
    }

    private OptimizerHelper CreateOptimizer(IReadOnlyList<ParameterGroup> groups) => options.Optimizer switch
    {
        OptimizerKind.Adam => optim.Adam(groups.Select(g => new Adam.ParamGroup(g.Parameters, options.LearningRate * g.LearningRateFactor)),
            options.LearningRate),
        OptimizerKind.Sgd => optim.SGD(groups.Select(g => new SGD.ParamGroup(g.Parameters, options.LearningRate * g.LearningRateFactor,
            momentum: options.Momentum)), options.LearningRate, momentum: options.Momentum),
        _ => throw new ArgumentOutOfRangeException(nameof(options), $"Unknown optimizer {options.Optimizer}."),
    };

    internal double LearningRateAt(int epoch) => options.LearningRateSchedule switch
    {
        LearningRateSchedule.Step => options.LearningRate * Math.Pow(options.LearningRateDecay, epoch / options.LearningRateStepEpochs),
        LearningRateSchedule.Cosine => options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * epoch / options.NumberOfEpochs)),
        _ => options.LearningRate,
    };

    private void Report(EpochMetrics m)
    {
        log.Info($"Epoch {m.Epoch}/{options.NumberOfEpochs}: train loss {m.TrainLoss:F4}"
            + (m.TrainAccuracy is double ta ? $", train accuracy {ta:F4}" : "")
            + (m.ValidationLoss is double vl ? $", validation loss {vl:F4}" + (m.ValidationAccuracy is double va ? $", validation accuracy {va:F4}" : "") : "")
            + $", lr {m.LearningRate:G3}, {m.Seconds:F1} s ({m.ExamplesPerSecond:F0} examples/s)");
        options.MetricsCallback?.Invoke(m);
    }
}
