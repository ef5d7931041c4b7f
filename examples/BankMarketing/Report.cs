using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Data;

namespace BankMarketing;

/// <summary>One line of the training vs validation table.</summary>
internal sealed record Row(string Model, double Seconds, CalibratedBinaryClassificationMetrics Train,
    CalibratedBinaryClassificationMetrics Validation)
{
    public static Row Of(string model, double seconds, CalibratedBinaryClassificationMetrics train,
        CalibratedBinaryClassificationMetrics validation) => new(model, seconds, train, validation);

    public double AucGap => Train.AreaUnderRocCurve - Validation.AreaUnderRocCurve;

    public static void PrintTable(IReadOnlyList<Row> rows)
    {
        Console.WriteLine($"  {"model",-38} {"part",-10} {"accuracy",9} {"precision",9} {"recall",9} {"AUC",7} {"AUC gap",8} {"fit s",6}");
        foreach (var r in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {r.Model,-38} {"training",-10} {r.Train.Accuracy,9:F4} {r.Train.PositivePrecision,9:F4} {r.Train.PositiveRecall,9:F4} {r.Train.AreaUnderRocCurve,7:F4} {r.AucGap,8:F4} {r.Seconds,6:F1}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {"",-38} {"validation",-10} {r.Validation.Accuracy,9:F4} {r.Validation.PositivePrecision,9:F4} {r.Validation.PositiveRecall,9:F4} {r.Validation.AreaUnderRocCurve,7:F4}"));
        }
        Console.WriteLine("  (AUC gap = training AUC - validation AUC: the overfitting the regularised settings should narrow)");
    }

    public object ToJson() => new
    {
        model = Model, fitSeconds = Seconds, aucGap = AucGap,
        train = Figures(Train), validation = Figures(Validation),
    };

    private static object Figures(CalibratedBinaryClassificationMetrics m) => new
    {
        accuracy = m.Accuracy, precision = m.PositivePrecision, recall = m.PositiveRecall, f1 = m.F1Score,
        auc = m.AreaUnderRocCurve, logLossBits = m.LogLoss,
    };
}

/// <summary>The business table: whom to call, and what it costs in calls and deposits.</summary>
internal sealed record Business(string Strategy, long Called, long Deposits, long CallsSaved, long DepositsMissed)
{
    public double CallsPerDeposit => Deposits > 0 ? (double)Called / Deposits : double.NaN;

    public static Business Everyone(CalibratedBinaryClassificationMetrics m)
    {
        var c = m.ConfusionMatrix.Counts;   // rows: true positive class first, then negative
        long positives = (long)(c[0][0] + c[0][1]), negatives = (long)(c[1][0] + c[1][1]);
        return new("call everyone", positives + negatives, positives, 0, 0);
    }

    public static Business Model(string name, CalibratedBinaryClassificationMetrics m)
    {
        var c = m.ConfusionMatrix.Counts;
        long tp = (long)c[0][0], fn = (long)c[0][1], fp = (long)c[1][0], tn = (long)c[1][1];
        return new(name, tp + fp, tp, tn + fn, fn);
    }

    public static void PrintTable(IReadOnlyList<Business> rows)
    {
        Console.WriteLine($"  {"strategy",-60} {"calls",7} {"deposits",9} {"calls saved",12} {"deposits missed",16} {"calls/deposit",14}");
        foreach (var r in rows)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {r.Strategy,-60} {r.Called,7:N0} {r.Deposits,9:N0} {r.CallsSaved,12:N0} {r.DepositsMissed,16:N0} {r.CallsPerDeposit,14:F2}"));
        var all = rows[0];
        foreach (var r in rows.Skip(1))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {r.Strategy.Split(':')[0]}: {100.0 * r.CallsSaved / all.Called:F0}% fewer calls for {100.0 * r.Deposits / all.Deposits:F0}% of the deposits."));
    }
}

/// <summary>Starts this program again on a saved zip (<c>--verify-model</c>): the model must load and predict the
/// same in a process that never trained it.</summary>
internal static class FreshProcess
{
    public static bool Verify(string zip, string csv)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("Unknown process path.");
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        // Under `dotnet BankMarketing.dll` the host is dotnet itself: pass the program first.
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            start.ArgumentList.Add(typeof(FreshProcess).Assembly.Location);
        foreach (string a in new[] { "--verify-model", zip, "--csv", csv })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {host}.");
        process.WaitForExit();
        return process.ExitCode == 0;
    }
}

/// <summary>One customer of the bank-marketing files (both the UCI and the Kaggle ones), for PredictionEngine.</summary>
internal sealed class BankCustomer
{
    private static readonly string[] NumericColumns = ["age", "balance", "day", "duration", "campaign", "pdays", "previous"];
    private static readonly string[] TextColumns = ["job", "marital", "education", "default", "housing", "loan", "contact", "month", "poutcome"];

    [ColumnName("age")] public float Age { get; set; }
    [ColumnName("job")] public string Job { get; set; } = "";
    [ColumnName("marital")] public string Marital { get; set; } = "";
    [ColumnName("education")] public string Education { get; set; } = "";
    [ColumnName("default")] public string Default { get; set; } = "";
    [ColumnName("balance")] public float Balance { get; set; }
    [ColumnName("housing")] public string Housing { get; set; } = "";
    [ColumnName("loan")] public string Loan { get; set; } = "";
    [ColumnName("contact")] public string Contact { get; set; } = "";
    [ColumnName("day")] public float Day { get; set; }
    [ColumnName("month")] public string Month { get; set; } = "";
    [ColumnName("duration")] public float Duration { get; set; }
    [ColumnName("campaign")] public float Campaign { get; set; }
    [ColumnName("pdays")] public float Pdays { get; set; }
    [ColumnName("previous")] public float Previous { get; set; }
    [ColumnName("poutcome")] public string Poutcome { get; set; } = "";

    /// <summary>True when the table has exactly these feature columns, with these kinds.</summary>
    public static bool Fits(BankTable table) =>
        table.Numeric.Order().SequenceEqual(NumericColumns.Order())
        && table.YesNo.Concat(table.Categorical).Order().SequenceEqual(TextColumns.Order());
}

/// <summary>The binary network's outputs.</summary>
internal sealed class CustomerPrediction
{
    public float Score { get; set; }
    public float Probability { get; set; }
    public bool PredictedLabel { get; set; }
}
