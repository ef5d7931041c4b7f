using System.Globalization;

namespace MlNetTriplet.Bench;

/// <summary>Command-line settings of the transfer-learning benchmark, shared by the parent (<c>transfer</c>) and its
/// package runs (<c>transfer-one</c>). Hyper-parameters are <see cref="TransferLearningTrainer.Options"/>' defaults on
/// both sides; only what the issue's bars vary is a flag.</summary>
internal sealed record TransferOptions
{
    /// <summary>The repository's Caltech 101 photos, relative to its root.</summary>
    public const string DefaultDataDir = "data/caltech101";
    public static readonly string[] AllModes = ["frozen", "finetune"];

    public IReadOnlyList<string> Modes { get; init; } = AllModes;
    public int Pairs { get; init; } = 3;
    /// <summary>The trainer's default (10).</summary>
    public int Epochs { get; init; } = new TransferLearningTrainer.Options().NumberOfEpochs;
    public int Threads { get; init; } = 2;
    /// <summary>The seed of a child run; in the parent, the seed of every round unless <see cref="Seeds"/> is set.</summary>
    public int Seed { get; init; }
    /// <summary>The seed of each round, cycled (both sides of a round share it).</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [];
    /// <summary>A folder holding train/ and val/ (or test/) folders of class sub-folders.</summary>
    public string DataDir { get; init; } = DefaultDataDir;
    /// <summary>Parent only: the first N photos of each split (spread over the classes) instead of all; 0 = all.
    /// Both sides then read a folder of links to them, so they still see the same files.</summary>
    public int NTrain { get; init; }
    public int NVal { get; init; }
    /// <summary>The peer's DataLoader worker processes: 2 on a 2-core machine, as a PyTorch user would set it.</summary>
    public int PeerWorkers { get; init; } = 2;
    /// <summary>The package's <see cref="TransferLearningTrainer.Options.DecoderThreads"/>; null: its default (a quarter
    /// of the cores, at least one).</summary>
    public int? DecoderThreads { get; init; }
    public string? OutDir { get; init; }
    /// <summary>File stem of the results: NAME.json and NAME.md.</summary>
    public string Name { get; init; } = "transfer";
    /// <summary>Child runs only: the mode to run.</summary>
    public string? Mode { get; init; }

    public int SeedOf(int round) => Seeds.Count == 0 ? Seed : Seeds[(round - 1) % Seeds.Count];

    /// <summary>The seeds of the rounds, for reports: "0" or "0,1,2".</summary>
    public string SeedList() => string.Join(",", Enumerable.Range(1, Pairs).Select(SeedOf).Distinct());

    public static TransferMode TrainerMode(string mode) => mode switch
    {
        "frozen" => TransferMode.FrozenBackbone,
        "finetune" => TransferMode.FineTuneAll,
        _ => throw new ArgumentException($"Mode must be one of {string.Join(", ", AllModes)}, not '{mode}'."),
    };

    public static TransferOptions Parse(IReadOnlyList<string> args)
    {
        var o = new TransferOptions();
        var a = new BenchArgs(args);
        while (a.Next(out string flag))
        {
            o = flag switch
            {
                "--modes" => o with { Modes = a.Value().Split(',') },
                "--mode" => o with { Mode = a.Value() },
                "--pairs" => o with { Pairs = a.Int() },
                "--epochs" => o with { Epochs = a.Int() },
                "--threads" => o with { Threads = a.Int() },
                "--seed" => o with { Seed = a.Int() },
                "--seeds" => o with { Seeds = a.Ints() },
                "--data-dir" => o with { DataDir = a.Value() },
                "--n-train" => o with { NTrain = a.Int() },
                "--n-val" => o with { NVal = a.Int() },
                "--peer-workers" => o with { PeerWorkers = a.Int() },
                "--decoder-threads" => o with { DecoderThreads = a.Int() },
                "--out-dir" => o with { OutDir = a.Value() },
                "--name" => o with { Name = a.Value() },
                _ => throw new ArgumentException($"Unknown option '{flag}'."),
            };
        }
        if (o.Pairs < 1 || o.Epochs < 1 || o.Threads < 1 || o.NTrain < 0 || o.NVal < 0 || o.PeerWorkers < 0 || o.DecoderThreads < 1)
            throw new ArgumentException("--pairs, --epochs, --threads and --decoder-threads must be at least 1; --n-train, --n-val and --peer-workers at least 0.");
        foreach (string mode in o.Mode is null ? o.Modes : [o.Mode])
            TrainerMode(mode);
        return o;
    }

    /// <summary>The flags a package run needs to reproduce these settings for one mode on <paramref name="dataDir"/>.</summary>
    public IEnumerable<string> ChildArgs(string mode, string dataDir) =>
    [
        "--mode", mode, "--epochs", CnnOptions.Str(Epochs), "--threads", CnnOptions.Str(Threads),
        "--seed", CnnOptions.Str(Seed), "--data-dir", dataDir,
        .. DecoderThreads is int d ? new[] { "--decoder-threads", CnnOptions.Str(d) } : [],
    ];

    public const string Usage = """
        usage: MlNetTriplet.Bench transfer [options]
          --modes M        comma-separated: frozen (FrozenBackbone), finetune (FineTuneAll) (default both)
          --pairs P        rounds of package / PyTorch peer per mode, order alternated each round (default 3)
          --epochs E       epochs per run (default 10, the trainer's)
          --threads T      torch threads on both sides (default 2)
          --seed S         seed on both sides (default 0)
          --seeds L        comma-separated seed of each round, cycled (default: --seed in every round)
          --data-dir D     train/ and val/ (or test/) folders of class sub-folders (default data/caltech101 of the
                           repository; the committed results used PyTorch's hymenoptera_data, ants and bees)
          --n-train N      smoke runs: the first N training photos, spread over the classes (default 0 = all)
          --n-val N        smoke runs: the first N validation photos (default 0 = all)
          --peer-workers W the peer's DataLoader num_workers (default 2)
          --decoder-threads N the package's DecoderThreads (default: the trainer's, a quarter of the cores, at least 1)
          --out-dir D      where the results go (default bench/results under the repository root)
          --name N         results file stem: N.json and N.md (default transfer)
        """;
}
