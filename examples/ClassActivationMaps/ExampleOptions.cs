using MlNetTriplet.Examples;

namespace ClassActivationMaps;

/// <summary>The example's command line.</summary>
internal sealed record ExampleOptions
{
    public string DataDirectory { get; init; } = RepositoryData.Path("caltech101");
    public string FashionDirectory { get; init; } = DataFiles.DefaultDirectory;
    public bool FashionDirectoryGiven { get; init; }
    public bool SkipFashion { get; init; }
    public int Epochs { get; init; } = 15;
    public int FashionEpochs { get; init; } = 3;
    public int FashionRows { get; init; } = 12_000;
    public int Seed { get; init; }
    public string OutputDirectory { get; init; } = "output/cam";
    public bool Help { get; init; }

    public const string Usage = """
        Class activation maps: which pixels made a classifier decide. Trains a transfer-learning classifier on photos
        (ImageNet ResNet-18, frozen, new head), draws CAM and Grad-CAM overlays of correctly and wrongly classified
        validation photos, saves and reloads the classifier with its maps; then the same for a Fashion-MNIST CNN with a
        global-average-pool head.

        usage: dotnet run --project examples/ClassActivationMaps -c Release -- [options]

          --data-dir DIR        image folder with train/ and val/ (one sub-folder per class)
                                default: the repository's data/caltech101 (six Caltech 101 classes)
          --epochs N            transfer-learning epochs (default 15)
          --fashion-dir DIR     Fashion-MNIST IDX folder (default /usr/share/datasets/fashion-mnist)
          --fashion-epochs N    Fashion-MNIST CNN epochs (default 3)
          --fashion-rows N      Fashion-MNIST training images (default 12000)
          --no-fashion          photos only
          --seed N              seed (default 0)
          --out DIR             where the galleries and the model go (default ./output/cam)
          --help                this text

        exit codes: 0 success, 1 bad arguments or a failed check, 2 data missing
        """;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static ExampleOptions Parse(string[] args)
    {
        var o = new ExampleOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string Value() => CommandLine.Value(args, ref i);
            int Int(int min = 1) => CommandLine.Int(arg, Value(), min);
            o = arg switch
            {
                "--data-dir" => o with { DataDirectory = Value() },
                "--epochs" => o with { Epochs = Int() },
                "--fashion-dir" => o with { FashionDirectory = Value(), FashionDirectoryGiven = true },
                "--fashion-epochs" => o with { FashionEpochs = Int() },
                "--fashion-rows" => o with { FashionRows = Int() },
                "--no-fashion" => o with { SkipFashion = true },
                "--seed" => o with { Seed = Int(min: 0) },
                "--out" => o with { OutputDirectory = Value() },
                "--help" or "-h" => o with { Help = true },
                _ => throw new ArgumentException($"Unknown option {arg}."),
            };
        }
        return o;
    }
}
