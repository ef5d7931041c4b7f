using System.Globalization;
using MlNetTriplet;
using MlNetTriplet.Examples;

namespace UmapProjection;

/// <summary>The example's command line.</summary>
internal sealed record ExampleOptions
{
    public string DataDirectory { get; init; } = DataFiles.DefaultDirectory;
    public bool DataDirectoryGiven { get; init; }
    public int TrainRows { get; init; }
    public int TestRows { get; init; }
    public int Neighbors { get; init; } = 15;
    public float MinDistance { get; init; } = 0.1f;
    public DistanceMetric Metric { get; init; } = DistanceMetric.Euclidean;
    public int Seed { get; init; }
    public string OutputDirectory { get; init; } = "output";
    public ClassNameSet ClassNames { get; init; }
    public bool Help { get; init; }

    public const string Usage = """
        Fits UMAP on MNIST-format images inside an ML.NET pipeline, places the test images with transform(), prints
        trustworthiness and 10-NN accuracy, draws both maps, saves and reloads the model zip.

        usage: dotnet run --project examples/UmapProjection -c Release -- [options]
          --data-dir DIR          folder with the four IDX files (default /usr/share/datasets/fashion-mnist)
          --train-rows N          first N training images (default all: 60,000)
          --test-rows N           first N test images (default all: 10,000)
          --quick                 10,000 training and 2,000 test images
          --neighbors K           n_neighbors (default 15)
          --min-dist D            min_dist (default 0.1)
          --metric M              euclidean|manhattan|cosine|correlation (default euclidean)
          --seed S                seed (default 0): the same seed gives the same maps on any number of cores
          --class-names SET       fashion|digits (default fashion for a Fashion-MNIST folder, else digits)
          --out DIR               output folder (default ./output)
        """;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static ExampleOptions Parse(string[] args)
    {
        var o = new ExampleOptions();
        int? trainRows = null, testRows = null;
        bool quick = false;
        ClassNameSet? names = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string Value() => CommandLine.Value(args, ref i);
            switch (arg)
            {
                case "--data-dir": o = o with { DataDirectory = Value(), DataDirectoryGiven = true }; break;
                case "--train-rows": trainRows = CommandLine.Int(arg, Value(), 0); break;
                case "--test-rows": testRows = CommandLine.Int(arg, Value(), 0); break;
                case "--quick": quick = true; break;
                case "--neighbors": o = o with { Neighbors = CommandLine.Int(arg, Value(), 2) }; break;
                case "--min-dist":
                    o = o with
                    {
                        MinDistance = float.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out float d) && d >= 0
                            ? d : throw new ArgumentException($"Option {arg} takes a number >= 0."),
                    };
                    break;
                case "--metric":
                    string metric = Value();
                    o = o with
                    {
                        Metric = Enum.TryParse(metric, ignoreCase: true, out DistanceMetric m)
                            && m is DistanceMetric.Euclidean or DistanceMetric.Manhattan or DistanceMetric.Cosine or DistanceMetric.Correlation
                            ? m : throw new ArgumentException($"Option {arg} takes euclidean, manhattan, cosine or correlation, got '{metric}'."),
                    };
                    break;
                case "--seed": o = o with { Seed = CommandLine.Int(arg, Value()) }; break;
                case "--class-names": names = MlNetTriplet.Examples.ClassNames.Parse(arg, Value().ToLowerInvariant()); break;
                case "--out": o = o with { OutputDirectory = Value() }; break;
                case "--help" or "-h" or "-?": o = o with { Help = true }; break;
                default: throw new ArgumentException($"Unknown option '{arg}'.");
            }
        }
        return o with
        {
            TrainRows = trainRows ?? (quick ? 10_000 : 0),
            TestRows = testRows ?? (quick ? 2_000 : 0),
            ClassNames = names ?? MlNetTriplet.Examples.ClassNames.Guess(o.DataDirectory),
        };
    }

}
