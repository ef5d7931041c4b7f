using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Plots;
using SkiaSharp;

namespace MlNetTriplet.Bench;

/// <summary>The <c>umap-seeds</c> command (issue 14): UMAP maps of a projector export (e.g. the TripletSemiHard
/// example's 10,000 test embeddings) for many seeds, with the reference workflow's settings (correlation, 15
/// neighbours, min_dist 0.3), from the package and from umap-learn, both scored here by one definition:
/// <list type="bullet">
/// <item>span ratio: per axis, the full span / the span between the 1st and 99th percentiles, the larger of the two
/// axes. About 1.05 for a map without stray points; a pair of points flung far from the bulk makes it large.</item>
/// <item>trustworthiness@15 of the map against the embeddings (all rows, euclidean, which ranks unit-length embeddings
/// as cosine does; <see cref="ProjectionQuality.Trustworthiness"/>).</item>
/// </list>
/// Writes <c>{name}.json</c> (every run), <c>{name}.md</c> (the table and the medians) and
/// <c>{name}-side-by-side.png</c> (the first seed's maps, package | umap-learn, drawn by the same code). Fit times are
/// recorded but are no speed comparison: seeded umap-learn lays out on one thread, and quality runs may share the
/// machine.</summary>
internal static class UmapSeedsBenchmark
{
    private const int Neighbors = 15;
    private const float MinDistance = 0.3f;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(UmapSeedsOptions o)
    {
        string repoRoot = RepoRoot.Find();
        string outDir = Path.GetFullPath(o.OutDir ?? Path.Combine(repoRoot, "bench", "results"));
        string tmp = Path.Combine(outDir, "tmp", o.Name);
        Directory.CreateDirectory(tmp);
        var ml = new MLContext(seed: 0);
        var data = ml.Embeddings().LoadFromProjectorTsv(o.Projector);
        var vectors = data.GetColumn<float[]>("Embedding").ToArray();
        int rows = vectors.Length, dims = vectors[0].Length;
        var high = vectors.SelectMany(v => v).ToArray();
        string labelColumn = data.Schema.Select(c => c.Name).FirstOrDefault(n => n != "Embedding")
            ?? throw new InvalidDataException($"No meta.tsv in '{o.Projector}': the plots need a label per row.");
        var labels = data.GetColumn<ReadOnlyMemory<char>>(labelColumn).Select(l => l.ToString()).ToArray();
        Console.WriteLine($"umap-seeds: {rows:N0} x {dims} from {o.Projector}; seeds {string.Join(",", o.Seeds)}; " +
            $"package threads {(o.Threads?.ToString(Inv) ?? "all")}; peer {(o.Peer ? "umap-learn" : "none")}; load {MachineInfo.LoadAverageNow()}");

        var package = new JsonArray();
        var maps = new Dictionary<string, float[]>();
        foreach (int seed in o.Seeds)
        {
            var options = new UmapOptions
            {
                Seed = seed, Metric = DistanceMetric.Correlation, NeighborCount = Neighbors, MinDistance = MinDistance,
                MaxThreads = o.Threads,
            };
            var clock = Stopwatch.StartNew();
            var model = ml.Transforms.ProjectToUmap("Umap", "Embedding", options).Fit(data);
            double seconds = clock.Elapsed.TotalSeconds;
            var low = Flatten(model.GetTrainingEmbedding());
            var run = Score(high, low, rows, dims);
            run["seed"] = seed;
            run["fit_seconds"] = seconds;
            run["initialization"] = model.Initialization;
            Console.WriteLine($"  package seed {seed}: {run.ToJsonString()}");
            package.Add(run);
            if (seed == o.Seeds[0]) maps["package"] = low;
        }

        var peer = new JsonArray();
        JsonNode? peerInfo = null;
        if (o.Peer)
        {
            string script = Path.Combine(repoRoot, "bench", "umap_seeds_peer.py");
            var (json, _) = ChildProcess.Run(ChildProcess.Python, [script, "--vecs", Path.Combine(Path.GetFullPath(o.Projector), "vecs.tsv"),
                "--seeds", string.Join(",", o.Seeds), "--n-neighbors", Neighbors.ToString(Inv),
                "--min-dist", MinDistance.ToString(Inv), "--metric", "correlation", "--out-dir", tmp]);
            peerInfo = JsonNode.Parse(json.GetRawText());
            foreach (var node in peerInfo!["runs"]!.AsArray())
            {
                int seed = node!["seed"]!.GetValue<int>();
                var low = ReadCsv(node["embedding"]!.GetValue<string>(), rows);
                var run = Score(high, low, rows, dims);
                run["seed"] = seed;
                run["fit_seconds"] = node["fit_seconds"]!.GetValue<double>();
                Console.WriteLine($"  umap-learn seed {seed}: {run.ToJsonString()}");
                peer.Add(run);
                if (seed == o.Seeds[0]) maps["umap-learn"] = low;
            }
        }

        var summary = new JsonObject();
        foreach (var (side, runs) in new[] { ("package", package), ("umap_learn", peer) })
            foreach (string figure in new[] { "span_ratio", "trustworthiness15" })
                if (Stats.Of(runs.Select(r => (double?)r![figure]!.GetValue<double>())) is { } s)
                    summary[$"{side}_{figure}"] = new JsonObject { ["median"] = s.Median, ["min"] = s.Min, ["max"] = s.Max, ["n"] = s.Count };
        var report = new JsonObject
        {
            ["benchmark"] = "umap-seeds", ["started_load"] = MachineInfo.LoadAverageNow(),
            ["projector"] = Path.GetFullPath(o.Projector), ["rows"] = rows, ["dims"] = dims,
            ["settings"] = $"correlation, n_neighbors {Neighbors}, min_dist {MinDistance.ToString(Inv)}, 2 components",
            ["package_threads"] = o.Threads is { } t ? t : "all", ["peer"] = peerInfo?.DeepClone(),
            ["summary"] = summary, ["package_runs"] = package, ["umap_learn_runs"] = peer,
        };
        File.WriteAllText(Path.Combine(outDir, $"{o.Name}.json"), report.ToJsonString(Json.Indented));
        string markdown = Markdown(o, rows, dims, package, peer, summary);
        File.WriteAllText(Path.Combine(outDir, $"{o.Name}.md"), markdown);
        Console.WriteLine(markdown);

        var panels = maps.Select(m => (Path.Combine(tmp, $"{m.Key}-seed{o.Seeds[0]}.png"), m.Key, m.Value)).ToArray();
        foreach (var (png, side, low) in panels)
            ScatterPlots.SaveScatter(low, labels, png, $"{side}, seed {o.Seeds[0]}: correlation, 15 neighbours, min_dist 0.3");
        string sideBySide = Path.Combine(outDir, $"{o.Name}-side-by-side.png");
        SideBySide(panels.Select(p => p.Item1).ToArray(), sideBySide);
        Console.WriteLine($"Wrote {Path.Combine(outDir, o.Name)}.json, .md and {sideBySide}");
        return 0;
    }

    /// <summary>Span ratio and trustworthiness@15 of one map.</summary>
    private static JsonObject Score(float[] high, float[] low, int rows, int dims) => new()
    {
        ["span_ratio"] = Enumerable.Range(0, 2).Max(axis => SpanRatio(low, axis)),
        ["trustworthiness15"] = ProjectionQuality.Trustworthiness(high, low, rows, dims, 2, 15),
    };

    /// <summary>Full span / (99th - 1st percentile) of one axis (percentiles interpolated linearly, as numpy's).</summary>
    private static double SpanRatio(float[] points, int axis)
    {
        var values = Enumerable.Range(0, points.Length / 2).Select(i => (double)points[2 * i + axis]).Order().ToArray();
        double Percentile(double q)
        {
            double position = q * (values.Length - 1);
            int below = (int)Math.Floor(position);
            int above = Math.Min(below + 1, values.Length - 1);
            return values[below] + (position - below) * (values[above] - values[below]);
        }
        return (values[^1] - values[0]) / (Percentile(0.99) - Percentile(0.01));
    }

    private static float[] Flatten(float[,] embedding)
    {
        var flat = new float[embedding.Length];
        Buffer.BlockCopy(embedding, 0, flat, 0, flat.Length * sizeof(float));
        return flat;
    }

    private static float[] ReadCsv(string path, int rows)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length != rows)
            throw new InvalidDataException($"'{path}' has {lines.Length} rows; expected {rows}.");
        return lines.SelectMany(line => line.Split(',').Select(v => float.Parse(v, NumberStyles.Float, Inv))).ToArray();
    }

    /// <summary>The PNGs next to each other, left to right, on a white background.</summary>
    private static void SideBySide(string[] pngs, string path)
    {
        var images = pngs.Select(SKBitmap.Decode).ToArray();
        try
        {
            using var combined = new SKBitmap(images.Sum(i => i.Width), images.Max(i => i.Height));
            using (var canvas = new SKCanvas(combined))
            {
                canvas.Clear(SKColors.White);
                int x = 0;
                foreach (var image in images)
                {
                    canvas.DrawBitmap(image, x, 0);
                    x += image.Width;
                }
            }
            using var file = File.Create(path);
            combined.Encode(file, SKEncodedImageFormat.Png, 100);
        }
        finally
        {
            foreach (var image in images) image.Dispose();
        }
    }

    private static string Markdown(UmapSeedsOptions o, int rows, int dims, JsonArray package, JsonArray peer, JsonObject summary)
    {
        var md = new StringBuilder();
        md.AppendLine("# UMAP over seeds: package vs umap-learn 0.5.3").AppendLine();
        string threads = o.Threads?.ToString(Inv) ?? "all";
        md.AppendLine(string.Create(Inv, $"{rows:N0} x {dims} from `{o.Projector}`; correlation, n_neighbors {Neighbors}, min_dist {MinDistance}; package on {threads} thread(s), umap-learn seeded (`random_state`)."));
        md.AppendLine("Span ratio: per axis, full span / (99th - 1st percentile), the larger axis. Trustworthiness@15 over all rows, euclidean on the embeddings.");
        md.AppendLine().AppendLine("| seed | package span ratio | package trustworthiness@15 | umap-learn span ratio | umap-learn trustworthiness@15 |");
        md.AppendLine("|---|---|---|---|---|");
        for (int i = 0; i < package.Count; i++)
        {
            var q = i < peer.Count ? peer[i] : null;
            string Figures(JsonNode? run) => run is null ? " | " : string.Create(Inv,
                $"{run["span_ratio"]!.GetValue<double>():F3} | {run["trustworthiness15"]!.GetValue<double>():F4}");
            md.AppendLine($"| {package[i]!["seed"]} | {Figures(package[i])} | {Figures(q)} |");
        }
        md.AppendLine().AppendLine("| figure | median | min | max |").AppendLine("|---|---|---|---|");
        foreach (var (name, node) in summary)
            md.AppendLine(string.Create(Inv, $"| {name} | {node!["median"]!.GetValue<double>():G4} | {node["min"]!.GetValue<double>():G4} | {node["max"]!.GetValue<double>():G4} |"));
        return md.ToString();
    }
}
