using System.Globalization;

namespace MlNetTriplet.Bench;

/// <summary>Command-line settings of the triplet benchmark, shared by the parent (<c>triplet</c>) and its child runs
/// (<c>triplet-one</c>). Epochs, batch and steps default to each peer's own defaults.</summary>
internal sealed record TripletOptions
{
    public static readonly string[] AllRecipes = ["semihard", "softmax"];

    public IReadOnlyList<string> Recipes { get; init; } = AllRecipes;
    public int Pairs { get; init; } = 3;
    public int Threads { get; init; } = 2;
    /// <summary>The seed of a child run; in the parent, the seed of every round unless <see cref="Seeds"/> is set.</summary>
    public int Seed { get; init; }
    /// <summary>The seed of each round, cycled (both sides of a round share it); empty: <see cref="Seed"/> for all.
    /// Quality medians over several seeds say more than repeats of one deterministic seed.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [];
    /// <summary>Optional absolute bar on the package's median P@1 (issue 3: 0.98 on original MNIST, semi-hard).</summary>
    public double? MinPrecisionAt1 { get; init; }
    /// <summary>Null: the recipe's (5 semi-hard, 3 softmax-ratio).</summary>
    public int? Epochs { get; init; }
    public string DataDir { get; init; } = CnnOptions.DefaultDataDir;
    public int NTrain { get; init; }
    public int NTest { get; init; }
    public string? OutDir { get; init; }
    /// <summary>File stem of the results: NAME.json and NAME.md.</summary>
    public string Name { get; init; } = "triplet";
    /// <summary>Child runs only: the recipe, and where to write the embeddings for scoring.</summary>
    public string? Recipe { get; init; }
    public string? EmbeddingsDir { get; init; }

    public int SeedOf(int round) => Seeds.Count == 0 ? Seed : Seeds[(round - 1) % Seeds.Count];

    /// <summary>The seeds of the rounds, for reports: "0" or "0,1,2".</summary>
    public string SeedList() => string.Join(",", Enumerable.Range(1, Pairs).Select(SeedOf).Distinct());

    public int EpochsFor(string recipe) => Epochs ?? (recipe == "semihard" ? 5 : 3);

    public static TripletOptions Parse(IReadOnlyList<string> args)
    {
        var o = new TripletOptions();
        var a = new BenchArgs(args);
        while (a.Next(out string flag))
        {
            o = flag switch
            {
                "--recipes" => o with { Recipes = a.Value().Split(',') },
                "--pairs" => o with { Pairs = a.Int() },
                "--threads" => o with { Threads = a.Int() },
                "--seed" => o with { Seed = a.Int() },
                "--seeds" => o with { Seeds = a.Ints() },
                "--min-p1" => o with { MinPrecisionAt1 = a.Double() },
                "--epochs" => o with { Epochs = a.Int() },
                "--data-dir" => o with { DataDir = a.Value() },
                "--n-train" => o with { NTrain = a.Int() },
                "--n-test" => o with { NTest = a.Int() },
                "--out-dir" => o with { OutDir = a.Value() },
                "--name" => o with { Name = a.Value() },
                "--recipe" => o with { Recipe = a.Value() },
                "--embeddings-dir" => o with { EmbeddingsDir = a.Value() },
                _ => throw new ArgumentException($"Unknown option '{flag}'."),
            };
        }
        if (o.Pairs < 1 || o.Threads < 1 || o.Epochs is < 1 || o.NTrain < 0 || o.NTest < 0)
            throw new ArgumentException("--pairs, --threads and --epochs must be at least 1; --n-train/--n-test at least 0.");
        if (o.Recipes.Any(r => !AllRecipes.Contains(r)))
            throw new ArgumentException($"--recipes takes a comma-separated subset of {string.Join(",", AllRecipes)}.");
        return o;
    }

    /// <summary>The flags a child run needs to reproduce these settings.</summary>
    public IEnumerable<string> ChildArgs(string recipe, string embeddingsDir) =>
    [
        "--recipe", recipe, "--epochs", CnnOptions.Str(EpochsFor(recipe)), "--threads", CnnOptions.Str(Threads),
        "--seed", CnnOptions.Str(Seed), "--data-dir", DataDir, "--n-train", CnnOptions.Str(NTrain),
        "--n-test", CnnOptions.Str(NTest), "--embeddings-dir", embeddingsDir,
    ];

    public const string Usage = """
        usage: MlNetTriplet.Bench triplet [options]
          --recipes R    comma-separated: semihard (TF-Addons semi-hard), softmax (Keras softmax ratio) (default both)
          --pairs P      rounds of package / PyTorch peer per recipe, order alternated each round (default 3)
          --epochs E     epochs per run (default: the peer's, 5 semi-hard and 3 softmax-ratio)
          --threads T    torch threads on both sides (default 2)
          --seed S       seed on both sides (default 0)
          --seeds L      comma-separated seed of each round, cycled (default: --seed in every round)
          --min-p1 P     also check the package's median P@1 against P (issue 3: 0.98 for semihard on original MNIST)
          --data-dir D   IDX folder with train-/t10k- images and labels (default /usr/share/datasets/fashion-mnist)
          --n-train N    first N training images (default 0 = all)
          --n-test N     first N test images (default 0 = all)
          --out-dir D    where the results go (default bench/results under the repository root)
          --name N       results file stem: N.json and N.md (default triplet)
        """;
}
