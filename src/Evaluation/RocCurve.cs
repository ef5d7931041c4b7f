using MlNetTriplet.Evaluation;

namespace MlNetTriplet;

/// <summary>A receiver operating characteristic curve: false and true positive rates at every distinct score
/// threshold, from (0, 0) to (1, 1), and the area under it.</summary>
public sealed class RocCurve
{
    private RocCurve(string name, double[] falsePositiveRates, double[] truePositiveRates, double auc)
    {
        Name = name;
        FalsePositiveRates = falsePositiveRates;
        TruePositiveRates = truePositiveRates;
        Auc = auc;
    }

    /// <summary>The curve's legend label, e.g. "validation".</summary>
    public string Name { get; }

    /// <summary>False positive rate of each point, rising from 0 to 1.</summary>
    public IReadOnlyList<double> FalsePositiveRates { get; }

    /// <summary>True positive rate (recall) of each point.</summary>
    public IReadOnlyList<double> TruePositiveRates { get; }

    /// <summary>Area under the curve (trapezoids; tied scores count half, as the Mann-Whitney statistic does).</summary>
    public double Auc { get; }

    /// <summary>The curve of scores against Boolean labels (true = positive); any score that orders the rows works
    /// (a logit or a probability).</summary>
    /// <param name="name">Legend label.</param>
    /// <param name="labels">One label per row.</param>
    /// <param name="scores">One score per row, higher meaning more likely positive.</param>
    /// <exception cref="ArgumentException">The lengths differ, a score is NaN, or the labels hold a single class.</exception>
    public static RocCurve FromScores(string name, IReadOnlyList<bool> labels, IReadOnlyList<float> scores)
    {
        var thresholds = BinaryScores.Thresholds(name, labels, scores);
        int positives = labels.Count(l => l), negatives = labels.Count - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException(
                $"The labels hold only {(positives == 0 ? "negatives" : "positives")} ({labels.Count} rows): a ROC curve needs both classes.",
                nameof(labels));

        var fpr = new List<double> { 0 };
        var tpr = new List<double> { 0 };
        double auc = 0;
        var before = new ThresholdCounts(0, 0);
        foreach (var (tp, fp) in thresholds)
        {
            // A diagonal step through a tie is the half credit.
            auc += (fp - before.FalsePositives) * (tp + before.TruePositives) / 2.0;
            fpr.Add((double)fp / negatives);
            tpr.Add((double)tp / positives);
            before = new ThresholdCounts(tp, fp);
        }
        return new RocCurve(name, [.. fpr], [.. tpr], auc / ((double)positives * negatives));
    }
}
