using System.Globalization;
using MlNetTriplet.Examples;

namespace FashionMnistCnn;

/// <summary>The example's command line.</summary>
internal sealed record ExampleOptions
{
    public const string DefaultDataDirectory = DataFiles.DefaultDirectory;

    public string DataDirectory { get; init; } = DefaultDataDirectory;
    public bool DataDirectoryGiven { get; init; }
    public int Epochs { get; init; } = 5;
    public int BatchSize { get; init; } = 64;
    public int Seed { get; init; }
    public double ValidationFraction { get; init; } = 0.1;
    public int TrainRows { get; init; }
    public int TestRows { get; init; }
    public bool TestRowsGiven { get; init; }
    public string OutputDirectory { get; init; } = "output";
    public bool Quick { get; init; }
    public ClassNameSet ClassNames { get; init; }
    public string? VerifyModelPath { get; init; }
    public bool Help { get; init; }

    public const string Usage = """
        Trains a CNN on Fashion-MNIST inside an ML.NET pipeline, evaluates it, saves and reloads the model.

        usage: dotnet run --project examples/FashionMnistCnn -c Release -- [options]

          --data-dir DIR              folder with train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
                                      t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz (or without .gz)
                                      default: /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist)
          --epochs N                  training epochs (default 5)
          --batch-size N              examples per step (default 64)
          --seed N                    seed of the MLContext and the trainer (default 0)
          --validation-fraction F     share of the training rows held out for validation (default 0.1)
          --train-rows N              use the first N training images (default 0 = all 60,000)
          --test-rows N               use the first N test images (default 0 = all 10,000)
          --out DIR                   where to write the model, plots and metrics.json (default ./output)
          --class-names fashion|digits  names printed for the classes (default fashion for a Fashion-MNIST folder,
                                      digits otherwise)
          --quick                     smoke run: 1 epoch on 6,000 training and 2,000 test images
                                      (explicit --epochs, --train-rows, --test-rows still win)
          --verify-model PATH         only load a saved model zip, evaluate it on the test images and compare with
                                      the metrics.json beside it
          --help                      this text

        exit codes: 0 success, 1 bad arguments or a failed check, 2 data files missing
        """;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static ExampleOptions Parse(string[] args)
    {
        var o = new ExampleOptions();
        int? epochs = null, trainRows = null, testRows = null;
        ClassNameSet? names = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string Value() => CommandLine.Value(args, ref i);
            switch (arg)
            {
                case "--data-dir": o = o with { DataDirectory = Value(), DataDirectoryGiven = true }; break;
                case "--epochs": epochs = CommandLine.Int(arg, Value(), 1); break;
                case "--batch-size": o = o with { BatchSize = CommandLine.Int(arg, Value(), 1) }; break;
                case "--seed": o = o with { Seed = CommandLine.Int(arg, Value()) }; break;
                case "--validation-fraction":
                    double fraction = CommandLine.Double(arg, Value());
                    if (fraction is < 0 or >= 1)
                        throw new ArgumentException($"Option {arg} must be in [0, 1), got {fraction}.");
                    o = o with { ValidationFraction = fraction };
                    break;
                case "--train-rows": trainRows = CommandLine.Int(arg, Value(), 0); break;
                case "--test-rows": testRows = CommandLine.Int(arg, Value(), 0); break;
                case "--out": o = o with { OutputDirectory = Value() }; break;
                case "--quick": o = o with { Quick = true }; break;
                case "--class-names":
                    names = MlNetTriplet.Examples.ClassNames.Parse(arg, Value().ToLowerInvariant());
                    break;
                case "--verify-model": o = o with { VerifyModelPath = Value() }; break;
                case "--help" or "-h" or "-?": o = o with { Help = true }; break;
                default: throw new ArgumentException($"Unknown option '{arg}'.");
            }
        }

        // --quick sets small defaults; options given explicitly win.
        return o with
        {
            Epochs = epochs ?? (o.Quick ? 1 : o.Epochs),
            TrainRows = trainRows ?? (o.Quick ? 6_000 : 0),
            TestRows = testRows ?? (o.Quick ? 2_000 : 0),
            TestRowsGiven = testRows is not null || o.Quick,
            ClassNames = names ?? MlNetTriplet.Examples.ClassNames.Guess(o.DataDirectory),
        };
    }

}
