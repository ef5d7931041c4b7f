using MlNetTriplet.Evaluation;

namespace MlNetTriplet;

/// <summary>A precision-recall curve: precision and recall at every distinct score threshold, from the highest score
/// down, and its average precision. On imbalanced labels it shows what a ROC curve hides: how many of the rows a
/// classifier calls positive really are.</summary>
public sealed class PrecisionRecallCurve
{
    private PrecisionRecallCurve(string name, double[] recalls, double[] precisions, double averagePrecision,
        double positiveRate)
    {
        Name = name;
        Recalls = recalls;
        Precisions = precisions;
        AveragePrecision = averagePrecision;
        PositiveRate = positiveRate;
    }

    /// <summary>The curve's legend label, e.g. "validation".</summary>
    public string Name { get; }

    /// <summary>Recall of each point, rising from 0 to 1.</summary>
    public IReadOnlyList<double> Recalls { get; }

    /// <summary>Precision of each point, interpolated as the curve is usually drawn: the highest precision reached at
    /// this recall or a higher one, so the curve never rises (the raw precision jumps about among the first few rows).
    /// The first point is (recall 0, precision 1).</summary>
    public IReadOnlyList<double> Precisions { get; }

    /// <summary>Average precision: the raw precision at each threshold weighted by the recall it adds (scikit-learn's
    /// <c>average_precision_score</c>, no interpolation).</summary>
    public double AveragePrecision { get; }

    /// <summary>Share of positive rows: the precision of a classifier that guesses (the chance line).</summary>
    public double PositiveRate { get; }

    /// <summary>The curve of scores against Boolean labels (true = positive); any score that orders the rows works
    /// (a logit or a probability).</summary>
    /// <param name="name">Legend label.</param>
    /// <param name="labels">One label per row.</param>
    /// <param name="scores">One score per row, higher meaning more likely positive.</param>
    /// <exception cref="ArgumentException">The lengths differ, a score is NaN, or the labels hold no positive row.</exception>
    public static PrecisionRecallCurve FromScores(string name, IReadOnlyList<bool> labels, IReadOnlyList<float> scores)
    {
        var thresholds = BinaryScores.Thresholds(name, labels, scores);
        int positives = labels.Count(l => l);
        if (positives == 0)
            throw new ArgumentException($"The labels hold no positive row ({labels.Count} rows): recall is undefined.", nameof(labels));

        var recalls = new List<double> { 0 };
        var precisions = new List<double> { 1 };
        double averagePrecision = 0;
        long tpBefore = 0;
        foreach (var (tp, fp) in thresholds)
        {
            double precision = (double)tp / (tp + fp);
            averagePrecision += (double)(tp - tpBefore) / positives * precision;
            recalls.Add((double)tp / positives);
            precisions.Add(precision);
            tpBefore = tp;
        }
        for (int i = precisions.Count - 2; i >= 0; i--)
            precisions[i] = Math.Max(precisions[i], precisions[i + 1]);
        return new PrecisionRecallCurve(name, [.. recalls], [.. precisions], averagePrecision,
            (double)positives / labels.Count);
    }
}
