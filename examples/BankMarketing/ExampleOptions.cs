using System.Globalization;
using MlNetTriplet.Examples;

namespace BankMarketing;

/// <summary>The example's command line.</summary>
internal sealed record ExampleOptions
{
    public string Csv { get; init; } = RepositoryData.Path("bank-marketing/kaggle-bank-balanced.csv");
    public char Separator { get; init; } = ',';
    public string Target { get; init; } = "deposit";
    public string? Positive { get; init; }
    public int Epochs { get; init; } = 10;
    public int Seed { get; init; }
    public double ValidationFraction { get; init; } = 0.2;
    public double L1 { get; init; } = 1e-4;
    public double L2 { get; init; } = 1e-3;
    public float Dropout { get; init; } = 0.2f;
    public bool ImputeMissing { get; init; }
    public string OutputDirectory { get; init; } = "output";
    public string? VerifyModelPath { get; init; }
    public bool Help { get; init; }

    public const string Usage = """
        Trains the bank-marketing neural network (three hidden layers, ReLU, sigmoid output, binary cross-entropy, Adam)
        in an ML.NET pipeline: plain, with L1+L2, with dropout, and with all three; ML.NET LightGBM on the same split as
        a reference. Prints training vs validation metrics, the business table, writes loss and ROC curves, saves the
        model and checks that it reloads in a fresh process with the same predictions.

        usage: dotnet run --project examples/BankMarketing -c Release -- [options]

          --csv PATH            bank-marketing CSV with a header (default: the repository's
                                data/bank-marketing/kaggle-bank-balanced.csv)
          --sep C               field separator (default ','; the UCI files use ';')
          --target NAME         target column (default deposit; the UCI files use y)
          --positive VALUE      the target value that is the positive class (default: 'yes')
          --epochs N            training epochs of every network (default 10)
          --seed N              seed of the split, the MLContext and the trainers (default 0)
          --validation-fraction F   share of each class held out for validation, stratified (default 0.2)
          --l1 X --l2 X         penalties of the regularised settings (default 1e-4 and 1e-3)
          --dropout P           input and hidden dropout of the dropout settings (default 0.2)
          --impute-missing      fill empty numeric cells with the column mean (ML.NET ReplaceMissingValues) instead
                                of stopping with an error that names the column
          --out DIR             where to write the model, plots and metrics.json (default ./output)
          --verify-model PATH   only load a saved zip (with its loader), score the CSV and compare with the
                                predictions.txt beside it (the fresh-process check; the training run starts it itself)
          --help                this text

        exit codes: 0 success, 1 bad arguments, bad data or a failed check
        """;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static ExampleOptions Parse(string[] args)
    {
        var o = new ExampleOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string Value() => CommandLine.Value(args, ref i);
            o = arg switch
            {
                "--csv" => o with { Csv = Value() },
                "--sep" => o with { Separator = ParseSeparator(Value()) },
                "--target" => o with { Target = Value() },
                "--positive" => o with { Positive = Value() },
                "--epochs" => o with { Epochs = CommandLine.Int(arg, Value(), 1) },
                "--seed" => o with { Seed = CommandLine.Int(arg, Value(), 0) },
                "--validation-fraction" => o with { ValidationFraction = CommandLine.Double(arg, Value(), 0, 1) },
                "--l1" => o with { L1 = CommandLine.Double(arg, Value(), 0, double.MaxValue) },
                "--l2" => o with { L2 = CommandLine.Double(arg, Value(), 0, double.MaxValue) },
                "--dropout" => o with { Dropout = (float)CommandLine.Double(arg, Value(), 0, 1) },
                "--impute-missing" => o with { ImputeMissing = true },
                "--out" => o with { OutputDirectory = Value() },
                "--verify-model" => o with { VerifyModelPath = Value() },
                "--help" or "-h" or "-?" => o with { Help = true },
                _ => throw new ArgumentException($"Unknown option '{arg}'."),
            };
        }
        return o;
    }

    private static char ParseSeparator(string value) => value switch
    {
        "\\t" or "tab" => '\t',
        _ when value.Length == 1 => value[0],
        _ => throw new ArgumentException($"Option --sep takes one character (or 'tab'), got '{value}'."),
    };

}
