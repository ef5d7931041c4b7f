using System.Globalization;

namespace MlNetTriplet.Bench;

/// <summary>Command-line settings of the nearest-neighbour search benchmark (<c>nearest-neighbors</c>).</summary>
internal sealed record NeighborBenchOptions
{
    public int Rows { get; init; } = 100_000;
    public int Dims { get; init; } = 64;
    public int Clusters { get; init; } = 100;
    public int Queries { get; init; } = 1_000;
    public int K { get; init; } = 10;
    public int Seed { get; init; }
    public string? OutDir { get; init; }
    /// <summary>Results are written as <c>{Name}.json</c> and <c>{Name}.md</c>.</summary>
    public string Name { get; init; } = "nearest-neighbors";

    public static NeighborBenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new NeighborBenchOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string flag = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{flag} needs a value.");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            o = flag switch
            {
                "--rows" => o with { Rows = Int() },
                "--dims" => o with { Dims = Int() },
                "--clusters" => o with { Clusters = Int() },
                "--queries" => o with { Queries = Int() },
                "--k" => o with { K = Int() },
                "--seed" => o with { Seed = Int() },
                "--out-dir" => o with { OutDir = Value() },
                "--name" => o with { Name = Value() },
                _ => throw new ArgumentException($"Unknown option '{flag}'."),
            };
        }
        if (o.Rows < o.K || o.K < 1 || o.Dims < 1 || o.Clusters < 1 || o.Queries < 1)
            throw new ArgumentException("--rows, --dims, --clusters, --queries and --k must be positive, --k at most --rows.");
        return o;
    }

    public const string Usage = """
        nearest-neighbors options: --rows N (100000) --dims D (64) --clusters C (100) --queries Q (1000) --k K (10) --seed S (0)
                                   --out-dir DIR (bench/results) --name nearest-neighbors (results as NAME.json and NAME.md)
        """;
}
