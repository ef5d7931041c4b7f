using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Tabular;

/// <summary>The bank-marketing files the repository carries (data/bank-marketing) and the book's preprocessing
/// as ML.NET transforms: target yes/no to Boolean, yes/no columns to 0/1, other text one-hot, numbers standardised.</summary>
internal static class BankData
{
    public static readonly string Directory = TestData.RepositoryData("bank-marketing");
    public static string Kaggle => Path.Combine(Directory, "kaggle-bank-balanced.csv");
    public static string Uci => Path.Combine(Directory, "uci-bank.csv");

    public static readonly string[] Numeric = ["age", "balance", "day", "duration", "campaign", "pdays", "previous"];
    public static readonly string[] YesNo = ["default", "housing", "loan"];
    public static readonly string[] Categorical = ["job", "marital", "education", "contact", "month", "poutcome"];

    private static readonly string[] FileOrder =
        ["age", "job", "marital", "education", "default", "balance", "housing", "loan", "contact", "day", "month", "duration",
         "campaign", "pdays", "previous", "poutcome"];

    /// <summary>The loader of a bank file: numbers as Single (an empty cell is NaN, not ML.NET's default 0), text as
    /// String, the target (last column) as String.</summary>
    public static TextLoader Loader(MLContext ml, char separator = ',', string target = "deposit") =>
        ml.Data.CreateTextLoader(new TextLoader.Options
        {
            Columns =
            [
                .. FileOrder.Select((name, i) => new TextLoader.Column(name, Numeric.Contains(name) ? DataKind.Single : DataKind.String, i)),
                new TextLoader.Column(target, DataKind.String, FileOrder.Length),
            ],
            Separators = [separator], HasHeader = true, AllowQuoting = true, MissingRealsAsNaNs = true,
        });

    /// <summary>Label (Boolean) and Features from the raw columns, all by ML.NET transforms.</summary>
    public static IEstimator<ITransformer> Preprocessing(MLContext ml, string target = "deposit")
    {
        KeyValuePair<string, bool>[] yesNoBool = [new("yes", true), new("no", false)];
        KeyValuePair<string, float>[] yesNoFloat = [new("yes", 1f), new("no", 0f)];
        IEstimator<ITransformer> pipeline = ml.Transforms.Conversion.MapValue("Label", yesNoBool, target);
        foreach (string column in YesNo)
            pipeline = pipeline.Append(ml.Transforms.Conversion.MapValue(column + "01", yesNoFloat, column));
        return pipeline
            .Append(ml.Transforms.Categorical.OneHotEncoding([.. Categorical.Select(c => new InputOutputColumnPair(c + "Hot", c))]))
            .Append(ml.Transforms.Concatenate("Numeric", Numeric))
            .Append(ml.Transforms.NormalizeMeanVariance("Numeric", fixZero: false))
            .Append(ml.Transforms.Concatenate("Features",
                ["Numeric", .. YesNo.Select(c => c + "01"), .. Categorical.Select(c => c + "Hot")]));
    }

    /// <summary>The Kaggle file split 80/20, stratified, seed 0 (the peer's split recipe).</summary>
    public static DataOperationsCatalog.TrainTestData KaggleSplit(MLContext ml) =>
        ml.Data.StratifiedTrainTestSplit(Loader(ml).Load(Kaggle), 0.2, "deposit", seed: 0);

}

/// <summary>One customer as the bank files hold it, for PredictionEngine.</summary>
internal sealed class BankCustomer
{
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
    [ColumnName("deposit")] public string Deposit { get; set; } = "";
}

/// <summary>The binary classifier's outputs.</summary>
internal sealed class BankPrediction
{
    public float Score { get; set; }
    public float Probability { get; set; }
    public bool PredictedLabel { get; set; }
}
