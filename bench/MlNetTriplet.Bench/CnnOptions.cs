using System.Globalization;

namespace MlNetTriplet.Bench;

/// <summary>Command-line settings of the CNN benchmark, shared by the parent (<c>cnn</c>) and its child runs
/// (<c>cnn-one</c>), which receive the same flags so that every side trains under identical settings.</summary>
internal sealed record CnnOptions
{
    public const string DefaultDataDir = "/usr/share/datasets/fashion-mnist";

    public int Epochs { get; init; } = 5;
    public int Pairs { get; init; } = 3;
    public int Threads { get; init; } = 2;
    public int Seed { get; init; }
    public int BatchSize { get; init; } = 64;
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Eval batch of the bare loop: 256 stays under the 32 MiB mmap threshold (FACTS.md).</summary>
    public int EvalBatchSize { get; init; } = 256;
    public string DataDir { get; init; } = DefaultDataDir;
    /// <summary>First N training / test images; 0 = all (smoke runs use small N).</summary>
    public int NTrain { get; init; }
    public int NTest { get; init; }
    public string? OutDir { get; init; }
    /// <summary>Child runs only: which side to run.</summary>
    public string? Side { get; init; }

    public static CnnOptions Parse(IReadOnlyList<string> args)
    {
        var o = new CnnOptions();
        var a = new BenchArgs(args);
        while (a.Next(out string flag))
        {
            o = flag switch
            {
                "--epochs" => o with { Epochs = a.Int() },
                "--pairs" => o with { Pairs = a.Int() },
                "--threads" => o with { Threads = a.Int() },
                "--seed" => o with { Seed = a.Int() },
                "--data-dir" => o with { DataDir = a.Value() },
                "--n-train" => o with { NTrain = a.Int() },
                "--n-test" => o with { NTest = a.Int() },
                "--out-dir" => o with { OutDir = a.Value() },
                "--side" => o with { Side = a.Value() },
                _ => throw new ArgumentException($"Unknown option '{flag}'."),
            };
        }
        if (o.Epochs < 1 || o.Pairs < 1 || o.Threads < 1 || o.NTrain < 0 || o.NTest < 0)
            throw new ArgumentException("--epochs, --pairs and --threads must be at least 1; --n-train/--n-test at least 0.");
        return o;
    }

    /// <summary>The flags a child run needs to reproduce these settings.</summary>
    public IEnumerable<string> ChildArgs(string side) =>
    [
        "--side", side, "--epochs", Str(Epochs), "--threads", Str(Threads), "--seed", Str(Seed),
        "--data-dir", DataDir, "--n-train", Str(NTrain), "--n-test", Str(NTest),
    ];

    public static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    public const string Usage = """
        usage: MlNetTriplet.Bench cnn [options]
          --epochs E     epochs per run (default 5)
          --pairs P      rounds of package / bare TorchSharp / PyTorch peer, order rotated each round (default 3)
          --threads T    torch threads on every side (default 2)
          --seed S       seed on every side (default 0)
          --data-dir D   IDX folder with train-/t10k- images and labels (default /usr/share/datasets/fashion-mnist)
          --n-train N    first N training images (default 0 = all)
          --n-test N     first N test images (default 0 = all)
          --out-dir D    where cnn.json and cnn.md go (default bench/results under the repository root)
        """;
}
