using System.Globalization;

namespace MlNetTriplet.Bench;

/// <summary>Command-line settings of the UMAP benchmark (<c>umap</c>) and of its child runs (<c>umap-one</c>).</summary>
internal sealed record UmapBenchOptions
{
    public static readonly string[] AllCases = ["fit70k", "transform", "correlation", "determinism"];

    /// <summary>The cases run by default; determinism (two extra 70k fits, one on a single thread) is asked for.</summary>
    public static readonly string[] DefaultCases = ["fit70k", "transform", "correlation"];

    public int Pairs { get; init; } = 3;
    public string[] Cases { get; init; } = DefaultCases;
    public string DataDir { get; init; } = CnnOptions.DefaultDataDir;
    public string? OutDir { get; init; }
    /// <summary>Results are written as <c>{Name}.json</c> and <c>{Name}.md</c>.</summary>
    public string Name { get; init; } = "umap";
    /// <summary>Child runs only: the case and the seed (each pair uses its own seed, 0, 1, 2, ...).</summary>
    public string? Case { get; init; }
    public int Seed { get; init; }
    /// <summary>Child runs only: where the child writes its projection (CSV, n x 2).</summary>
    public string? EmbeddingFile { get; init; }

    public static UmapBenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new UmapBenchOptions();
        var a = new BenchArgs(args);
        while (a.Next(out string flag))
        {
            o = flag switch
            {
                "--pairs" => o with { Pairs = a.Int() },
                "--cases" => o with { Cases = a.Value().Split(',', StringSplitOptions.RemoveEmptyEntries) },
                "--data-dir" => o with { DataDir = a.Value() },
                "--out-dir" => o with { OutDir = a.Value() },
                "--name" => o with { Name = a.Value() },
                "--case" => o with { Case = a.Value() },
                "--seed" => o with { Seed = a.Int() },
                "--embedding-file" => o with { EmbeddingFile = a.Value() },
                _ => throw new ArgumentException($"Unknown option '{flag}'."),
            };
        }
        if (o.Pairs < 1)
            throw new ArgumentException("--pairs must be at least 1.");
        if (o.Cases.Except(AllCases).FirstOrDefault() is { } unknown)
            throw new ArgumentException($"Unknown case '{unknown}'; expected some of {string.Join(",", AllCases)}.");
        return o;
    }

    public const string Usage = """
        umap options: --pairs N (3) --cases fit70k,transform,correlation[,determinism] (the first three) --data-dir DIR (fashion-mnist)
                      --out-dir DIR (bench/results) --name umap (results as NAME.json and NAME.md)
        """;
}
