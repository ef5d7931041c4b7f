using System.Globalization;
using MlNetTriplet.Examples;

namespace TripletExamples;

/// <summary>The command line shared by the two triplet examples.</summary>
internal sealed record TripletExampleOptions
{
    public string DataDirectory { get; init; } = DataFiles.DefaultDirectory;
    public bool DataDirectoryGiven { get; init; }
    public ClassNameSet ClassNames { get; init; }
    public int? Epochs { get; init; }
    /// <summary>True: the recipe's own tutorial CNN; false: the package's <c>TripletEmbeddingOptions.DefaultCnn</c>;
    /// null: the example's choice.</summary>
    public bool? TutorialCnn { get; init; }
    public int Seed { get; init; }
    public int TrainRows { get; init; }
    public int TestRows { get; init; }
    public string OutputDirectory { get; init; } = "output";
    public bool Quick { get; init; }
    public bool Umap { get; init; } = true;
    public bool UnseenClasses { get; init; } = true;
    public bool Help { get; init; }

    public static string Usage(string example, string recipe, bool tutorialCnnByDefault) => $"""
        {recipe}

        usage: dotnet run --project examples/{example} -c Release -- [options]

          --data-dir DIR     folder with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
                             t10k-labels-idx1-ubyte (.gz or not): Fashion-MNIST, MNIST or any data in that format
                             default: {DataFiles.DefaultDirectory} (Debian package dataset-fashion-mnist)
          --class-names fashion|digits  names in the scatter plot (default fashion for a Fashion-MNIST folder,
                             digits otherwise)
          --network standard|tutorial  the package's default CNN (3x3 conv 32/64, dense 128) or the recipe's own
                             tutorial CNN (default {(tutorialCnnByDefault ? "tutorial" : "standard")})
          --epochs N         training epochs (default: the recipe's)
          --seed N           seed of the MLContext, the estimator and the UMAP projection (default 0)
          --train-rows N     first N training images (default 0 = all)
          --test-rows N      first N test images (default 0 = all)
          --out DIR          where the model zip, projector TSVs and plots go (default ./output)
          --no-umap          skip the 2-D UMAP projection of the test embeddings and its scatter plot
          --no-unseen        skip the second model, trained on classes 0-4 only and scored on the test images of
                             classes 5-9 (retrieval among classes never seen in training)
          --quick            smoke run: 1 epoch, 5,000 training and 1,000 test images (explicit options still win)
          --help             this text

        exit codes: 0 success, 1 bad arguments or a failed check, 2 data files missing
        """;

    public static TripletExampleOptions Parse(string[] args)
    {
        var o = new TripletExampleOptions();
        int? trainRows = null, testRows = null;
        ClassNameSet? names = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {arg} needs a value.");
            int Int(int min)
            {
                string v = Value();
                return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min
                    ? n : throw new ArgumentException($"Option {arg} takes a whole number >= {min}, got '{v}'.");
            }
            o = arg switch
            {
                "--data-dir" => o with { DataDirectory = Value(), DataDirectoryGiven = true },
                "--class-names" => o with { ClassNames = (names = MlNetTriplet.Examples.ClassNames.Parse(arg, Value())).Value },
                "--network" => o with { TutorialCnn = Value() switch
                {
                    "tutorial" => true,
                    "standard" => false,
                    string v => throw new ArgumentException($"Option {arg} takes standard or tutorial, got '{v}'."),
                } },
                "--epochs" => o with { Epochs = Int(1) },
                "--seed" => o with { Seed = Int(0) },
                "--out" => o with { OutputDirectory = Value() },
                "--no-umap" => o with { Umap = false },
                "--no-unseen" => o with { UnseenClasses = false },
                "--quick" => o with { Quick = true },
                "--help" or "-h" => o with { Help = true },
                "--train-rows" => o with { TrainRows = (trainRows = Int(0)).Value },
                "--test-rows" => o with { TestRows = (testRows = Int(0)).Value },
                _ => throw new ArgumentException($"Unknown option '{arg}'."),
            };
        }
        return o with
        {
            Epochs = o.Epochs ?? (o.Quick ? 1 : null),
            TrainRows = trainRows ?? (o.Quick ? 5_000 : 0),
            TestRows = testRows ?? (o.Quick ? 1_000 : 0),
            ClassNames = names ?? MlNetTriplet.Examples.ClassNames.Guess(o.DataDirectory),
        };
    }
}
