using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using static MlNetTriplet.Cli.Report.CommonSections;

namespace MlNetTriplet.Cli.Tabular;

/// <summary>The network and the LightGBM baseline measured on the same held-out rows.</summary>
internal sealed class ClassifierOutcome
{
    private ClassifierOutcome(CalibratedBinaryClassificationMetrics? networkBinary, CalibratedBinaryClassificationMetrics? baselineBinary,
        MulticlassClassificationMetrics? networkMulticlass, MulticlassClassificationMetrics? baselineMulticlass,
        IReadOnlyList<RocCurve> roc, IReadOnlyList<PrecisionRecallCurve> precisionRecall)
    {
        NetworkBinary = networkBinary;
        BaselineBinary = baselineBinary;
        NetworkMulticlass = networkMulticlass;
        BaselineMulticlass = baselineMulticlass;
        Roc = roc;
        PrecisionRecall = precisionRecall;
    }

    public CalibratedBinaryClassificationMetrics? NetworkBinary { get; }
    public CalibratedBinaryClassificationMetrics? BaselineBinary { get; }
    public MulticlassClassificationMetrics? NetworkMulticlass { get; }
    public MulticlassClassificationMetrics? BaselineMulticlass { get; }
    public IReadOnlyList<RocCurve> Roc { get; }
    public IReadOnlyList<PrecisionRecallCurve> PrecisionRecall { get; }
    public bool IsBinary => NetworkBinary is not null;

    /// <summary>The network's confusion matrix on the held-out rows.</summary>
    public ConfusionMatrix Confusion => NetworkBinary?.ConfusionMatrix ?? NetworkMulticlass!.ConfusionMatrix;

    /// <summary>The figure the report leads with: AUC for two classes, accuracy for more.</summary>
    public string HeadlineName => IsBinary ? "AUC" : "accuracy";

    public double Headline => NetworkBinary?.AreaUnderRocCurve ?? NetworkMulticlass!.MicroAccuracy;
    public double BaselineHeadline => BaselineBinary?.AreaUnderRocCurve ?? BaselineMulticlass!.MicroAccuracy;

    /// <summary>Both models scored on the held-out rows (Boolean label <see cref="TableSchema.LabelColumn"/>).</summary>
    public static ClassifierOutcome Binary(MLContext ml, IDataView network, IDataView baseline)
    {
        var labels = network.GetColumn<bool>(TableSchema.LabelColumn).ToArray();
        var networkScores = network.GetColumn<float>("Score").ToArray();
        var baselineScores = baseline.GetColumn<float>("Score").ToArray();
        return new ClassifierOutcome(
            ml.BinaryClassification.Evaluate(network, TableSchema.LabelColumn),
            ml.BinaryClassification.Evaluate(baseline, TableSchema.LabelColumn), null, null,
            [RocCurve.FromScores("network", labels, networkScores), RocCurve.FromScores("LightGBM", labels, baselineScores)],
            [PrecisionRecallCurve.FromScores("network", labels, networkScores), PrecisionRecallCurve.FromScores("LightGBM", labels, baselineScores)]);
    }

    /// <summary>Both models scored on the held-out rows (key label <see cref="TableSchema.LabelColumn"/>).</summary>
    public static ClassifierOutcome Multiclass(MLContext ml, IDataView network, IDataView baseline) => new(null, null,
        ml.MulticlassClassification.Evaluate(network, TableSchema.LabelColumn),
        ml.MulticlassClassification.Evaluate(baseline, TableSchema.LabelColumn), [], []);

    /// <summary>What the headline means, in words.</summary>
    public string Sentence(LabelInfo label, long rows)
    {
        string versus = Headline >= BaselineHeadline ? "above" : "below";
        if (NetworkBinary is { } m)
        {
            string calls = PositiveCalls(m) == 0
                ? $"it calls no row '{label.Positive}': every row gets '{label.Negative}'."
                : $"it finds {Percent(m.PositiveRecall, 0)} of the '{label.Positive}' rows, and {Percent(m.PositivePrecision, 0)} of its '{label.Positive}' calls are right.";
            return string.Create(CultureInfo.InvariantCulture,
                $"On {rows:N0} held-out rows, the network ranks a random '{label.Positive}' row above a random '{label.Negative}' row {Percent(m.AreaUnderRocCurve)} of the time " +
                $"(AUC {m.AreaUnderRocCurve:F3}, {versus} LightGBM's {BaselineBinary!.AreaUnderRocCurve:F3}). Calling '{label.Positive}' above probability 0.5, {calls}");
        }
        var multi = NetworkMulticlass!;
        return string.Create(CultureInfo.InvariantCulture,
            $"On {rows:N0} held-out rows, the network predicts the right '{label.Name}' for {Percent(multi.MicroAccuracy)} of them " +
            $"({versus} LightGBM's {Percent(BaselineMulticlass!.MicroAccuracy)}); averaged over the {label.Classes.Count} classes with equal weight, {Percent(multi.MacroAccuracy)}.");
    }

    /// <summary>Rows predicted positive (the confusion matrix's first column: ML.NET puts the positive class first).</summary>
    private static double PositiveCalls(BinaryClassificationMetrics m) => m.ConfusionMatrix.Counts.Sum(row => row[0]);

    /// <summary>The comparison table's header. ML.NET's binary log-loss is in bits (log base 2), its multiclass one in
    /// nats (the learning curves' unit): the header says which.</summary>
    public IReadOnlyList<string> TableHeader => IsBinary
        ? ["model", "AUC", "AUPRC", "accuracy", "precision", "recall", "F1", "log-loss (bits)"]
        : ["model", "accuracy", "macro accuracy", "log-loss", "log-loss reduction"];

    /// <summary>The comparison table's rows: the network, then the baseline.</summary>
    public IEnumerable<IReadOnlyList<string>> TableRows()
    {
        if (IsBinary)
            return new[] { ("network", NetworkBinary!), ("ML.NET LightGBM", BaselineBinary!) }.Select(r => (IReadOnlyList<string>)
                [r.Item1, F(r.Item2.AreaUnderRocCurve), F(r.Item2.AreaUnderPrecisionRecallCurve), F(r.Item2.Accuracy),
                 F(r.Item2.PositivePrecision), F(r.Item2.PositiveRecall), F(r.Item2.F1Score), F(r.Item2.LogLoss)]);
        return new[] { ("network", NetworkMulticlass!), ("ML.NET LightGBM", BaselineMulticlass!) }.Select(r => (IReadOnlyList<string>)
            [r.Item1, F(r.Item2.MicroAccuracy), F(r.Item2.MacroAccuracy), F(r.Item2.LogLoss), F(r.Item2.LogLossReduction)]);
    }

    /// <summary>The figures of one model for metrics.json.</summary>
    public object Json(bool network)
    {
        if (IsBinary)
        {
            var m = network ? NetworkBinary! : BaselineBinary!;
            return new
            {
                auc = m.AreaUnderRocCurve, auprc = m.AreaUnderPrecisionRecallCurve, accuracy = m.Accuracy,
                precision = m.PositivePrecision, recall = m.PositiveRecall, f1 = m.F1Score, logLoss = m.LogLoss,
            };
        }
        var c = network ? NetworkMulticlass! : BaselineMulticlass!;
        return new { accuracy = c.MicroAccuracy, macroAccuracy = c.MacroAccuracy, logLoss = c.LogLoss, logLossReduction = c.LogLossReduction };
    }
}
