using System.Globalization;

namespace MlNetTriplet.Bench;

/// <summary>Command-line settings of the transfer-learning memory test (<c>transfer-memory</c>) and of its child runs
/// (<c>transfer-memory-one</c>, one fine-tuning epoch over one folder of photos).</summary>
internal sealed record TransferMemoryOptions
{
    public IReadOnlyList<int> Counts { get; init; } = [1_000, 10_000];
    /// <summary>"all" (FineTuneAll: every layer's gradients and Adam state, the largest step) or "last"
    /// (FineTuneLastBlocks with one block: faster, smaller).</summary>
    public string Mode { get; init; } = "all";
    public int Threads { get; init; } = 2;
    public int Seed { get; init; }
    public int MinSide { get; init; } = 300;
    public int MaxSide { get; init; } = 700;
    /// <summary>Where the photos are generated and kept (reused by a later run when complete); null: a temporary
    /// folder deleted at the end.</summary>
    public string? PhotosDir { get; init; }
    public string? OutDir { get; init; }
    /// <summary>Child runs only: the folder of class sub-folders to train on.</summary>
    public string? DataDir { get; init; }

    public TransferMode TrainerMode => Mode switch
    {
        "all" => TransferMode.FineTuneAll,
        "last" => TransferMode.FineTuneLastBlocks,
        _ => throw new ArgumentException($"--mode must be 'all' or 'last', not '{Mode}'."),
    };

    public static TransferMemoryOptions Parse(IReadOnlyList<string> args)
    {
        var o = new TransferMemoryOptions();
        var a = new BenchArgs(args);
        while (a.Next(out string flag))
        {
            o = flag switch
            {
                "--counts" => o with { Counts = a.Ints() },
                "--mode" => o with { Mode = a.Value() },
                "--threads" => o with { Threads = a.Int() },
                "--seed" => o with { Seed = a.Int() },
                "--min-side" => o with { MinSide = a.Int() },
                "--max-side" => o with { MaxSide = a.Int() },
                "--photos-dir" => o with { PhotosDir = a.Value() },
                "--out-dir" => o with { OutDir = a.Value() },
                "--data-dir" => o with { DataDir = a.Value() },
                _ => throw new ArgumentException($"Unknown option '{flag}'."),
            };
        }
        _ = o.TrainerMode;
        if (o.Counts.Count == 0 || o.Counts.Any(c => c < 2) || o.Threads < 1 || o.MinSide < 224 || o.MaxSide < o.MinSide)
            throw new ArgumentException("--counts needs photo counts of at least 2, --threads at least 1, 224 <= --min-side <= --max-side.");
        return o;
    }

    /// <summary>The flags a child run needs to train on <paramref name="dataDir"/> under these settings.</summary>
    public IEnumerable<string> ChildArgs(string dataDir) =>
        ["--mode", Mode, "--threads", CnnOptions.Str(Threads), "--seed", CnnOptions.Str(Seed), "--data-dir", dataDir];

    public const string Usage = """
        usage: MlNetTriplet.Bench transfer-memory [options]
          --counts L       comma-separated photo counts, one child run each (default 1000,10000)
          --mode M         all (FineTuneAll, default) or last (FineTuneLastBlocks, the last block)
          --threads T      torch threads (default 2)
          --seed S         seed of the photos and of training (default 0)
          --min-side N     smallest photo side in pixels (default 300)
          --max-side N     largest photo side in pixels (default 700)
          --photos-dir D   generate the photos here and keep them (reused when complete); default: a temporary folder
          --out-dir D      where transfer-memory.json and .md go (default bench/results under the repository root)
        """;
}
