namespace MlNetTriplet.Bench;

/// <summary>The settings every photo benchmark against a PyTorch peer takes (<c>transfer</c>, <c>similarity</c>), in
/// the parent and in its package runs: modes, rounds, seeds, threads, the photos, who decodes them, where results go.
/// Each verb sets its defaults in its constructor, adds its own flags and names its modes.</summary>
internal abstract record PhotoBenchOptions
{
    /// <summary>The repository's Caltech 101 photos, relative to its root.</summary>
    public const string DefaultDataDir = "data/caltech101";

    /// <summary>Parent: the modes to run, one after the other.</summary>
    public IReadOnlyList<string> Modes { get; init; } = [];
    /// <summary>Child runs: the mode to run (<c>--mode</c> also makes it the parent's only mode).</summary>
    public string? Mode { get; init; }
    public int Pairs { get; init; }
    public int Epochs { get; init; }
    public int Threads { get; init; } = 2;
    /// <summary>The seed of a child run; in the parent, the seed of every round unless <see cref="Seeds"/> is set.</summary>
    public int Seed { get; init; }
    /// <summary>The seed of each round, cycled (both sides of a round share it).</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [];
    public string DataDir { get; init; } = DefaultDataDir;
    /// <summary>The peer's DataLoader worker processes: 2 on a 2-core machine, as a PyTorch user would set it.</summary>
    public int PeerWorkers { get; init; } = 2;
    /// <summary>The package's DecoderThreads; null: the trainer's default (a quarter of the cores, at least one).</summary>
    public int? DecoderThreads { get; init; }
    public string? OutDir { get; init; }
    /// <summary>File stem of the results: NAME.json and NAME.md.</summary>
    public string Name { get; init; } = "";

    public int SeedOf(int round) => Seeds.Count == 0 ? Seed : Seeds[(round - 1) % Seeds.Count];

    /// <summary>The seeds of the rounds, for reports: "0" or "0,1,2".</summary>
    public string SeedList() => string.Join(",", Enumerable.Range(1, Pairs).Select(SeedOf).Distinct());

    /// <summary>The photo folder: the default relative to the repository, anything else relative to the working
    /// directory, so that a bare clone runs the default from anywhere.</summary>
    public string DataPath(string repoRoot) =>
        DataDir == DefaultDataDir ? Path.Combine(repoRoot, DataDir) : Path.GetFullPath(DataDir);

    /// <summary>How reports name the photo folder: relative to the repository, or by its folder name when outside it
    /// (no machine path in committed results).</summary>
    public string DataName() => RepoRoot.DataName(DataPath(RepoRoot.Find()));

    /// <summary>Throws <see cref="ArgumentException"/> naming the verb's modes when <paramref name="mode"/> is not one.</summary>
    protected abstract void CheckMode(string mode);

    /// <summary>Reads <paramref name="args"/> into <paramref name="defaults"/>: each flag through the verb's own
    /// <paramref name="own"/> (null when it is not one of them), else the flags shared here; then checks the values.</summary>
    protected static T Parse<T>(T defaults, IReadOnlyList<string> args, Func<T, string, BenchArgs, T?> own)
        where T : PhotoBenchOptions
    {
        var o = defaults;
        var a = new BenchArgs(args);
        while (a.Next(out string flag))
            o = own(o, flag, a) ?? (T?)o.Shared(flag, a) ?? throw new ArgumentException($"Unknown option '{flag}'.");
        if (o.Pairs < 1 || o.Epochs < 1 || o.Threads < 1 || o.PeerWorkers < 0 || o.DecoderThreads < 1)
            throw new ArgumentException("--pairs, --epochs, --threads and --decoder-threads must be at least 1; --peer-workers at least 0.");
        foreach (string mode in o.Mode is null ? o.Modes : [o.Mode])
            o.CheckMode(mode);
        return o;
    }

    private PhotoBenchOptions? Shared(string flag, BenchArgs a) => flag switch
    {
        "--modes" => this with { Modes = a.Value().Split(',') },
        "--mode" => WithMode(a.Value()),
        "--pairs" => this with { Pairs = a.Int() },
        "--epochs" => this with { Epochs = a.Int() },
        "--threads" => this with { Threads = a.Int() },
        "--seed" => this with { Seed = a.Int() },
        "--seeds" => this with { Seeds = a.Ints() },
        "--data-dir" => this with { DataDir = a.Value() },
        "--peer-workers" => this with { PeerWorkers = a.Int() },
        "--decoder-threads" => this with { DecoderThreads = a.Int() },
        "--out-dir" => this with { OutDir = a.Value() },
        "--name" => this with { Name = a.Value() },
        _ => null,
    };

    private PhotoBenchOptions WithMode(string mode) => this with { Mode = mode, Modes = [mode] };

    /// <summary>The shared flags a package run needs to reproduce these settings for one mode on
    /// <paramref name="dataDir"/>; the verb adds its own.</summary>
    protected IEnumerable<string> SharedChildArgs(string mode, string dataDir) =>
    [
        "--mode", mode, "--epochs", CnnOptions.Str(Epochs), "--threads", CnnOptions.Str(Threads),
        "--seed", CnnOptions.Str(Seed), "--data-dir", dataDir,
        .. DecoderThreads is int d ? new[] { "--decoder-threads", CnnOptions.Str(d) } : [],
    ];
}
