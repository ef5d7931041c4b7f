using System.Globalization;

namespace MlNetTriplet.Bench;

/// <summary>Command-line settings of the <c>umap-seeds</c> command: UMAP maps of a projector export over many seeds,
/// package vs umap-learn.</summary>
internal sealed record UmapSeedsOptions
{
    /// <summary>The folder with <c>vecs.tsv</c> and <c>meta.tsv</c> (an example's <c>output/projector</c>).</summary>
    public string Projector { get; init; } = "";
    public int[] Seeds { get; init; } = Enumerable.Range(0, 15).ToArray();
    /// <summary>The package's <c>UmapOptions.MaxThreads</c>; null: every core.</summary>
    public int? Threads { get; init; }
    public bool Peer { get; init; } = true;
    public string? OutDir { get; init; }
    /// <summary>Results are written as <c>{Name}.json</c>, <c>{Name}.md</c> and <c>{Name}-side-by-side.png</c>.</summary>
    public string Name { get; init; } = "umap-seeds";

    public static UmapSeedsOptions Parse(IReadOnlyList<string> args)
    {
        var o = new UmapSeedsOptions();
        var a = new BenchArgs(args);
        while (a.Next(out string flag))
        {
            o = flag switch
            {
                "--projector" => o with { Projector = a.Value() },
                "--seeds" => o with { Seeds = ParseSeeds(a.Value()) },
                "--threads" => o with { Threads = a.Int() },
                "--peer" => o with { Peer = a.Value() switch
                {
                    "yes" => true,
                    "no" => false,
                    string v => throw new ArgumentException($"--peer takes yes or no, got '{v}'."),
                } },
                "--out-dir" => o with { OutDir = a.Value() },
                "--name" => o with { Name = a.Value() },
                _ => throw new ArgumentException($"Unknown option '{flag}'."),
            };
        }
        if (o.Projector.Length == 0)
            throw new ArgumentException("--projector DIR is required: the folder with vecs.tsv and meta.tsv.");
        if (o.Seeds.Length == 0)
            throw new ArgumentException("--seeds needs at least one seed.");
        if (o.Threads is < 1)
            throw new ArgumentException("--threads must be at least 1.");
        return o;
    }

    /// <summary>"0-14" or "0,3,7" (or a mix: "0-4,9").</summary>
    private static int[] ParseSeeds(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries)
        .SelectMany(part => part.Split('-') is [var from, var to]
            ? Enumerable.Range(int.Parse(from, CultureInfo.InvariantCulture),
                int.Parse(to, CultureInfo.InvariantCulture) - int.Parse(from, CultureInfo.InvariantCulture) + 1)
            : [int.Parse(part, CultureInfo.InvariantCulture)])
        .ToArray();

    public const string Usage = """
        umap-seeds options: --projector DIR (required: vecs.tsv + meta.tsv) --seeds 0-14 --threads N (all cores)
                            --peer yes|no (yes: umap-learn on the same data) --out-dir DIR (bench/results) --name umap-seeds
        """;
}
