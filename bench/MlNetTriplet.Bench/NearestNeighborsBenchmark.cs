using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Bench;

/// <summary>The <c>nearest-neighbors</c> command: the search transform's approximate mode (NN-descent index) against
/// its exact mode on a seeded Gaussian mixture, through the public API as users call it. Recall@k: the share of each
/// query's exact k nearest gallery rows that the approximate search returns, averaged over queries. Speed: queries
/// per second of <c>Transform</c> (the neighbour column read in full; median of 3) per mode in this process, plus the
/// time of <c>Fit</c> (the exact gallery is only stored; the approximate one builds its index).</summary>
internal static class NearestNeighborsBenchmark
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(NeighborBenchOptions o)
    {
        string repoRoot = RepoRoot.Find();
        string outDir = Path.GetFullPath(o.OutDir ?? Path.Combine(repoRoot, "bench", "results"));
        Directory.CreateDirectory(outDir);
        var machine = MachineInfo.Read();
        var started = DateTimeOffset.Now;
        string? loadAtStart = MachineInfo.LoadAverageNow();
        Console.WriteLine($"Nearest-neighbour benchmark: {o.Rows} x {o.Dims} gallery ({o.Clusters} clusters), {o.Queries} queries, k {o.K}; {machine.Nproc} x {machine.CpuModel}; load {loadAtStart}");
        var ml = new MLContext(seed: o.Seed);
        var (gallery, queries) = Mixture.Generate(o);
        WarmUp(ml, gallery, queries, o);
        var cases = new JsonArray();
        foreach (var distance in new[] { DistanceMetric.Euclidean, DistanceMetric.Cosine })
        {
            var exact = Measure(ml, gallery, queries, o, distance, epsilon: null);
            var record = new JsonObject { ["distance"] = distance.ToString(), ["exact"] = exact.Json(o.Queries) };
            var curve = new JsonArray();
            foreach (float epsilon in Epsilons)
            {
                var approximate = Measure(ml, gallery, queries, o, distance, epsilon);
                double recall = Recall(exact.Ids, approximate.Ids, o.K);
                var point = approximate.Json(o.Queries);
                point["search_epsilon"] = epsilon;
                point[$"recall_at_{o.K}"] = recall;
                point["speedup"] = exact.Seconds / approximate.Seconds;
                curve.Add(point);
                Console.WriteLine(string.Create(Inv,
                    $"{distance}, SearchEpsilon {epsilon}: recall@{o.K} {recall:F4}; exact {o.Queries / exact.Seconds:F0} queries/s, approximate {o.Queries / approximate.Seconds:F0} queries/s ({exact.Seconds / approximate.Seconds:F1}x), index built in {approximate.FitSeconds:F1} s"));
            }
            record["approximate"] = curve;
            cases.Add(record);
        }
        var finished = DateTimeOffset.Now;
        string? loadAtEnd = MachineInfo.LoadAverageNow();
        var report = new JsonObject
        {
            ["benchmark"] = "nearest-neighbors", ["started"] = started.ToString("o", Inv), ["finished"] = finished.ToString("o", Inv),
            ["load_at_start"] = loadAtStart, ["load_at_end"] = loadAtEnd,
            ["machine"] = JsonSerializer.SerializeToNode(machine, Json.Line),
            ["data"] = new JsonObject
            {
                ["kind"] = Mixture.Description(o), ["gallery_rows"] = o.Rows, ["dims"] = o.Dims, ["clusters"] = o.Clusters,
                ["queries"] = o.Queries, ["k"] = o.K, ["seed"] = o.Seed,
            },
            ["cases"] = cases,
        };
        File.WriteAllText(Path.Combine(outDir, o.Name + ".json"), report.ToJsonString(Json.Indented));
        File.WriteAllText(Path.Combine(outDir, o.Name + ".md"), Markdown(o, machine, started, finished, loadAtStart, loadAtEnd, cases));
        Console.WriteLine($"Wrote {Path.Combine(outDir, o.Name)}.{{json,md}}");
        return 0;
    }

    private sealed record ModeRun(int[][] Ids, double FitSeconds, double Seconds)
    {
        public JsonObject Json(int queries) => new()
        {
            ["fit_seconds"] = FitSeconds, ["transform_seconds"] = Seconds, ["queries_per_second"] = queries / Seconds,
        };
    }

    /// <summary>The approximate search's settings measured: the default first, then the trade-off around it.</summary>
    private static readonly float[] Epsilons = [new NearestNeighborsOptions().SearchEpsilon, 0f, 0.05f, 0.2f];

    /// <summary>One fit and one transform: exact when <paramref name="epsilon"/> is null, else approximate with it.</summary>
    private static ModeRun Measure(MLContext ml, IDataView gallery, IDataView queries, NeighborBenchOptions o,
        DistanceMetric distance, float? epsilon)
    {
        var estimator = ml.Transforms.NearestNeighbors(new NearestNeighborsOptions
        {
            NeighborCount = o.K, Distance = distance, Approximate = epsilon is not null, SearchEpsilon = epsilon ?? 0f,
            Seed = o.Seed,
        });
        var clock = Stopwatch.StartNew();
        var model = estimator.Fit(gallery);
        double fit = clock.Elapsed.TotalSeconds;
        int[][] ids = [];
        var seconds = new double[TransformRuns];
        for (int run = 0; run < TransformRuns; run++)
        {
            clock.Restart();
            ids = model.Transform(queries).GetColumn<int[]>("NeighborIds").ToArray();
            seconds[run] = clock.Elapsed.TotalSeconds;
        }
        return new ModeRun(ids, fit, seconds.Order().ElementAt(TransformRuns / 2));
    }

    /// <summary>Transforms timed per fit; the median is kept (the first also pays for compiling the search code).</summary>
    private const int TransformRuns = 3;

    /// <summary>Runs both modes on a slice of the data until the search code is compiled at its final tier, so that
    /// no measured mode pays for the JIT (the first one measured otherwise ran at a third of its later speed).</summary>
    private static void WarmUp(MLContext ml, IDataView gallery, IDataView queries, NeighborBenchOptions o)
    {
        var slice = ml.Data.TakeRows(gallery, Math.Min(o.Rows, 5_000));
        foreach (var distance in new[] { DistanceMetric.Euclidean, DistanceMetric.Cosine })
            foreach (bool approximate in new[] { false, true })
            {
                var model = ml.Transforms.NearestNeighbors(new NearestNeighborsOptions
                {
                    NeighborCount = Math.Min(o.K, 5_000), Distance = distance, Approximate = approximate, Seed = o.Seed,
                }).Fit(slice);
                for (int run = 0; run < 5; run++)
                    _ = model.Transform(queries).GetColumn<int[]>("NeighborIds").Count();
                Thread.Sleep(200);   // tier-1 compilation runs in the background after 30 calls
            }
    }

    /// <summary>Mean over queries of |approximate ∩ exact| / k.</summary>
    private static double Recall(int[][] exact, int[][] approximate, int k) =>
        exact.Zip(approximate, (e, a) => e.Intersect(a).Count() / (double)k).Average();

    private static string Markdown(NeighborBenchOptions o, MachineInfo machine, DateTimeOffset started,
        DateTimeOffset finished, string? loadAtStart, string? loadAtEnd, JsonArray cases)
    {
        var md = new StringBuilder();
        md.AppendLine("# Nearest-neighbour search: approximate (NN-descent) against exact");
        md.AppendLine();
        md.Append(string.Create(Inv,
            $"- Date: {started:yyyy-MM-dd HH:mm zzz} ({(finished - started).TotalMinutes:F0} min); load average (1/5/15 min) at start {loadAtStart}, at end {loadAtEnd}\n"));
        md.AppendLine($"- Machine: {machine.Nproc} cores, {machine.CpuModel}; {machine.Os}; {machine.Dotnet}");
        md.AppendLine($"- Data: {Mixture.Description(o)}; {o.Queries:N0} queries from the same mixture, not in the gallery; k = {o.K}");
        md.AppendLine($"- Command: `dotnet run --project bench/MlNetTriplet.Bench -c Release -- nearest-neighbors --rows {o.Rows} --dims {o.Dims} --clusters {o.Clusters} --queries {o.Queries} --k {o.K} --seed {o.Seed}`");
        md.AppendLine("- Both modes through `mlContext.Transforms.NearestNeighbors` (`Approximate = false` / `true`), one run each in one process (the approximate mode once per `SearchEpsilon`, the first being the default): `Fit` time (the exact gallery is only stored; the approximate one builds its NN-descent index, 30 neighbours per row), then `Transform` of the queries with `NeighborIds` read in full, the median of 3, after a warm-up of both modes on a 5,000-row slice (so that no mode pays for the JIT). Recall@k: share of each query's exact k nearest rows the approximate search returns, averaged.");
        md.AppendLine();
        md.AppendLine($"| distance | SearchEpsilon | recall@{o.K} | exact queries/s | approximate queries/s | speed-up | index build (s) |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var c in cases.Select(n => n!.AsObject()))
        {
            double exact = (double)c["exact"]!["queries_per_second"]!;
            foreach (var a in c["approximate"]!.AsArray().Select(n => n!.AsObject()))
                md.AppendLine(string.Create(Inv,
                    $"| {c["distance"]} | {(float)a["search_epsilon"]!}{((float)a["search_epsilon"]! == Epsilons[0] ? " (default)" : "")} | {(double)a[$"recall_at_{o.K}"]!:F4} | {exact:N0} | {(double)a["queries_per_second"]!:N0} | {(double)a["speedup"]!:F1}x | {(double)a["fit_seconds"]!:F1} |"));
        }
        md.AppendLine();
        md.AppendLine("Absolute speeds move with the load of this shared 2-core machine; the two modes ran back to back under the load shown.");
        return md.ToString();
    }

    /// <summary>The generated data: a seeded Gaussian mixture, gallery and queries drawn alike.</summary>
    private static class Mixture
    {
        private const double Spread = 0.5;

        public static string Description(NeighborBenchOptions o) => string.Create(Inv,
            $"{o.Rows:N0} x {o.Dims} Gaussian mixture (seed {o.Seed}): {o.Clusters} centres drawn from N(0, I), each row a centre (uniformly chosen) plus N(0, {Spread}² I)");

        public static (IDataView Gallery, IDataView Queries) Generate(NeighborBenchOptions o)
        {
            var random = new Random(o.Seed);
            var centres = Enumerable.Range(0, o.Clusters).Select(_ => Gaussian(random, o.Dims, 1)).ToArray();
            Row Draw()
            {
                int c = random.Next(o.Clusters);
                var x = Gaussian(random, o.Dims, Spread);
                for (int d = 0; d < o.Dims; d++)
                    x[d] += centres[c][d];
                return new Row { Features = x, Label = (uint)c };
            }
            var ml = new MLContext();
            var schema = SchemaDefinition.Create(typeof(Row));
            schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, o.Dims);
            var gallery = Enumerable.Range(0, o.Rows).Select(_ => Draw()).ToList();
            var queries = Enumerable.Range(0, o.Queries).Select(_ => Draw()).ToList();
            return (ml.Data.LoadFromEnumerable(gallery, schema), ml.Data.LoadFromEnumerable(queries, schema));
        }

        private static float[] Gaussian(Random random, int dims, double scale)
        {
            var x = new float[dims];
            for (int d = 0; d < dims; d++)
                x[d] = (float)(scale * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            return x;
        }

        private sealed class Row
        {
            public float[] Features { get; set; } = [];
            public uint Label { get; set; }
        }
    }
}
