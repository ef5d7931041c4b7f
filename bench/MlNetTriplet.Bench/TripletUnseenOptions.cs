namespace MlNetTriplet.Bench;

/// <summary>Command-line settings of the unseen-class study (<c>triplet-unseen</c>, issue 24): which settings, seeds
/// and training rows, and whether to measure after every epoch.</summary>
internal sealed record TripletUnseenOptions
{
    /// <summary>The sweep of issue 24: one change at a time from the default recipe.</summary>
    public static readonly string[] DefaultSettings =
    [
        "default", "epochs=10", "embedding=32", "embedding=64", "embedding=512", "normalize=false", "lr=1e-4", "lr=3e-4",
        "margin=0.2", "margin=0.5", "mining=batch-hard", "mining=batch-all", "loss=contrastive", "loss=multi-similarity",
        "loss=proxy-anchor",
    ];

    public IReadOnlyList<TripletUnseenSetting> Settings { get; init; } = DefaultSettings.Select(TripletUnseenSetting.Parse).ToList();
    public IReadOnlyList<int> Seeds { get; init; } = [0];
    /// <summary>Epochs of a setting that does not name its own.</summary>
    public int Epochs { get; init; } = 5;
    /// <summary>First N training images of classes 0-4; 0 = all 30,000.</summary>
    public int TrainRows { get; init; }
    public int Threads { get; init; } = 1;
    /// <summary>True: one Fit of all the epochs, measured once at the end (checks that measuring epoch by epoch, which
    /// resumes from a checkpoint, trains the same network).</summary>
    public bool FinalOnly { get; init; }
    public string DataDir { get; init; } = CnnOptions.DefaultDataDir;
    public string? OutDir { get; init; }
    /// <summary>File stem of the results: NAME.json and NAME.md.</summary>
    public string Name { get; init; } = "triplet-unseen";
    /// <summary>Keep the runs already in NAME.json (a run of the same setting, seed, rows and mode is replaced).</summary>
    public bool Append { get; init; }

    public static TripletUnseenOptions Parse(IReadOnlyList<string> args)
    {
        var o = new TripletUnseenOptions();
        var a = new BenchArgs(args);
        while (a.Next(out string flag))
        {
            o = flag switch
            {
                "--settings" => o with { Settings = a.Value().Split(',').Select(TripletUnseenSetting.Parse).ToList() },
                "--seeds" => o with { Seeds = a.Ints() },
                "--epochs" => o with { Epochs = a.Int() },
                "--train-rows" => o with { TrainRows = a.Int() },
                "--threads" => o with { Threads = a.Int() },
                "--final-only" => o with { FinalOnly = true },
                "--data-dir" => o with { DataDir = a.Value() },
                "--out-dir" => o with { OutDir = a.Value() },
                "--name" => o with { Name = a.Value() },
                "--append" => o with { Append = true },
                _ => throw new ArgumentException($"Unknown option '{flag}'."),
            };
        }
        if (o.Epochs < 1 || o.Threads < 1 || o.TrainRows < 0 || o.Seeds.Count == 0)
            throw new ArgumentException("--epochs and --threads must be at least 1, --train-rows at least 0 (0 = all), --seeds not empty.");
        return o;
    }

    public const string Usage = """
        usage: MlNetTriplet.Bench triplet-unseen [options]
          --settings L   comma-separated settings, each "default" or changes joined by '+' (e.g. lr=1e-4+margin=0.2):
                         epochs=N embedding=D normalize=true|false lr=X margin=X
                         mining=semi-hard|batch-hard|batch-all loss=margin|contrastive|multi-similarity|proxy-anchor
                         (default: the issue-24 sweep, one change at a time)
          --seeds L      comma-separated seeds (default 0)
          --epochs E     epochs of a setting without epochs=N (default 5)
          --train-rows N first N training images of classes 0-4 (default 0 = all 30,000)
          --threads T    torch threads (default 1)
          --final-only   one Fit per setting, measured at the end only (default: measured after every epoch)
          --data-dir D   IDX folder with train-/t10k- images and labels (default /usr/share/datasets/fashion-mnist)
          --out-dir D    where the results go (default bench/results under the repository root)
          --name N       results file stem: N.json and N.md (default triplet-unseen)
          --append       keep the runs already in N.json (same setting, seed, rows and mode: replaced)
        """;
}
