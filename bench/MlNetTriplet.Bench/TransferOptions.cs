namespace MlNetTriplet.Bench;

/// <summary>Command-line settings of the transfer-learning benchmark, shared by the parent (<c>transfer</c>) and its
/// package runs (<c>transfer-one</c>). Hyper-parameters are <see cref="TransferLearningTrainer.Options"/>' defaults on
/// both sides; only what the issue's bars vary is a flag.</summary>
internal sealed record TransferOptions : PhotoBenchOptions
{
    public static readonly string[] AllModes = ["frozen", "finetune"];

    public TransferOptions()
    {
        Modes = AllModes;
        Pairs = 3;
        Epochs = new TransferLearningTrainer.Options().NumberOfEpochs;   // the trainer's default (10)
        Name = "transfer";
    }

    /// <summary>Parent only: the first N photos of each split (spread over the classes) instead of all; 0 = all.
    /// Both sides then read a folder of links to them, so they still see the same files.</summary>
    public int NTrain { get; init; }
    public int NVal { get; init; }

    public static TransferMode TrainerMode(string mode) => mode switch
    {
        "frozen" => TransferMode.FrozenBackbone,
        "finetune" => TransferMode.FineTuneAll,
        _ => throw new ArgumentException($"Mode must be one of {string.Join(", ", AllModes)}, not '{mode}'."),
    };

    protected override void CheckMode(string mode) => TrainerMode(mode);

    public static TransferOptions Parse(IReadOnlyList<string> args)
    {
        var o = Parse(new TransferOptions(), args, (o, flag, a) => flag switch
        {
            "--n-train" => o with { NTrain = a.Int() },
            "--n-val" => o with { NVal = a.Int() },
            _ => null,
        });
        if (o.NTrain < 0 || o.NVal < 0)
            throw new ArgumentException("--n-train and --n-val must be at least 0.");
        return o;
    }

    /// <summary>The flags a package run needs to reproduce these settings for one mode on <paramref name="dataDir"/>.</summary>
    public IEnumerable<string> ChildArgs(string mode, string dataDir) => SharedChildArgs(mode, dataDir);

    public const string Usage = """
        usage: MlNetTriplet.Bench transfer [options]
          --modes M        comma-separated: frozen (FrozenBackbone), finetune (FineTuneAll) (default both);
                           --mode M runs one
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
