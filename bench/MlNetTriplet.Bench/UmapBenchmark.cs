using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Bench;

/// <summary>The <c>umap</c> command: pairs of (package, umap-learn) runs, alternating which goes first, on Fashion-MNIST
/// raw pixels. Every package run is a process of its own (its peak RSS is its own); the quality of its projection
/// is measured by the peer script's own <c>--eval-embedding</c> code path, so both sides are scored identically.</summary>
internal static class UmapBenchmark
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(UmapBenchOptions o)
    {
        string repoRoot = RepoRoot.Find();
        string outDir = Path.GetFullPath(o.OutDir ?? Path.Combine(repoRoot, "bench", "results"));
        string tmp = Path.Combine(outDir, "tmp");
        Directory.CreateDirectory(tmp);
        string peer = Path.Combine(repoRoot, "bench", "peers", "umap_peer.py");
        if (!File.Exists(peer))
            throw new FileNotFoundException($"The umap-learn peer is not at {peer}.", peer);
        var machine = MachineInfo.Read();
        var report = new JsonObject
        {
            ["benchmark"] = "umap", ["started"] = DateTimeOffset.Now.ToString("o", Inv), ["load_at_start"] = MachineInfo.LoadAverageNow(),
            ["machine"] = JsonSerializer.SerializeToNode(machine, Json.Line), ["omp_env"] = JsonSerializer.SerializeToNode(Child.OmpEnv()),
            ["cases"] = new JsonArray(o.Cases.Select(c => (JsonNode)c!).ToArray()),
        };
        Console.WriteLine($"UMAP benchmark: {o.Pairs} pairs x (package, umap-learn 0.5.3), cases {string.Join(",", o.Cases)}; {machine.Nproc} x {machine.CpuModel}; load {MachineInfo.LoadAverageNow()}");
        var (self, prefix) = ChildProcess.Self();
        var pairs = new JsonArray();
        for (int pair = 0; pair < o.Pairs; pair++)
        {
            var record = new JsonObject { ["pair"] = pair + 1, ["seed"] = pair, ["load_before"] = MachineInfo.LoadAverageNow() };
            var sides = pair % 2 == 0 ? new[] { "package", "peer" } : ["peer", "package"];
            record["order"] = string.Join(",", sides);
            foreach (string side in sides)
            {
                if (side == "package")
                    record["package"] = RunPackage(o, pair, self, prefix, tmp, peer);
                else
                    record["peer"] = RunPeer(o, pair, tmp, peer);
            }
            record["load_after"] = MachineInfo.LoadAverageNow();
            pairs.Add(record);
            Console.WriteLine($"pair {pair + 1} done; load {MachineInfo.LoadAverageNow()}");
        }
        report["pairs"] = pairs;
        report["finished"] = DateTimeOffset.Now.ToString("o", Inv);
        var summary = Summarise(pairs);
        report["summary"] = summary;
        File.WriteAllText(Path.Combine(outDir, $"{o.Name}.json"), report.ToJsonString(Json.Indented));
        string markdown = Markdown(report, summary);
        File.WriteAllText(Path.Combine(outDir, $"{o.Name}.md"), markdown);
        Console.WriteLine(markdown);
        return 0;
    }

    private static JsonObject RunPackage(UmapBenchOptions o, int pair, string self, string[] prefix, string tmp, string peer)
    {
        var result = new JsonObject();
        foreach (string c in o.Cases)
        {
            string csv = Path.Combine(tmp, $"umap-package-{c}-pair{pair + 1}.csv");
            var (json, _) = ChildProcess.Run(self, [.. prefix, "umap-one", "--case", c, "--seed", pair.ToString(Inv),
                "--data-dir", o.DataDir, "--embedding-file", csv, "--out-dir", tmp]);
            var run = JsonNode.Parse(json.GetRawText())!.AsObject();
            if (c is "fit70k" or "correlation")
            {
                string evalFile = Path.ChangeExtension(csv, ".eval.json");
                var (quality, _) = ChildProcess.Run(ChildProcess.Python, [peer, .. PeerData(c), "--eval-embedding", csv,
                    "--out", evalFile, "--png", Path.ChangeExtension(csv, ".png")], evalFile);
                run["quality"] = JsonNode.Parse(quality.GetProperty("quality").GetRawText());
            }
            Console.WriteLine($"  package {c}: {run.ToJsonString()}");
            result[c] = run;
        }
        return result;
    }

    private static JsonObject RunPeer(UmapBenchOptions o, int pair, string tmp, string peer)
    {
        var result = new JsonObject();
        bool transform = o.Cases.Contains("transform");
        if (o.Cases.Contains("fit70k") || transform)
        {
            string out70k = Path.Combine(tmp, $"umap-peer-70k-pair{pair + 1}.json");
            var (json, _) = ChildProcess.Run(ChildProcess.Python, [peer, .. PeerData("fit70k"), "--transform", transform ? "yes" : "no",
                "--out", out70k, "--png", Path.ChangeExtension(out70k, ".png")], out70k);
            result["fit70k"] = JsonNode.Parse(json.GetRawText());
        }
        if (o.Cases.Contains("correlation"))
        {
            string outCorr = Path.Combine(tmp, $"umap-peer-correlation-pair{pair + 1}.json");
            var (json, _) = ChildProcess.Run(ChildProcess.Python, [peer, .. PeerData("correlation"), "--transform", "no",
                "--out", outCorr, "--png", Path.ChangeExtension(outCorr, ".png")], outCorr);
            result["correlation"] = JsonNode.Parse(json.GetRawText());
        }
        Console.WriteLine($"  peer: {string.Join(", ", result.Select(p => p.Key))} done");
        return result;
    }

    /// <summary>The peer script's data arguments for a case (the transform case reuses the 70k run).</summary>
    private static string[] PeerData(string c) => c == "correlation"
        ? ["--rows", "test", "--n", "10000", "--metric", "correlation", "--n-neighbors", "15", "--min-dist", "0.3"]
        : ["--n", "70000", "--metric", "euclidean", "--n-neighbors", "15", "--min-dist", "0.1"];

    /// <summary>The <c>umap-one</c> command: one case through the package's public API, timed, in this process.</summary>
    public static int RunOne(UmapBenchOptions o)
    {
        var ml = new MLContext(seed: o.Seed);
        string csv = o.EmbeddingFile ?? throw new ArgumentException("--embedding-file is required.");
        var result = new JsonObject { ["case"] = o.Case, ["seed"] = o.Seed };
        var clock = new Stopwatch();
        switch (o.Case)
        {
            case "fit70k":
            {
                var data = LoadConcatenated(ml, o.DataDir, o.OutDir ?? Path.GetTempPath());
                var estimator = ml.Transforms.ProjectToUmap("Umap", "Features", new UmapOptions { Seed = o.Seed });
                clock.Start();
                var model = estimator.Fit(data);
                result["fit_seconds"] = clock.Elapsed.TotalSeconds;
                result["initialization"] = model.Initialization;
                WriteCsv(csv, model.GetTrainingEmbedding());
                break;
            }
            case "correlation":
            {
                var data = IdxData.Load(ml, o.DataDir, "t10k", 0);
                var estimator = ml.Transforms.ProjectToUmap("Umap", "Features",
                    new UmapOptions { Seed = o.Seed, Metric = DistanceMetric.Correlation, MinDistance = 0.3f });
                clock.Start();
                var model = estimator.Fit(data);
                result["fit_seconds"] = clock.Elapsed.TotalSeconds;
                result["initialization"] = model.Initialization;
                WriteCsv(csv, model.GetTrainingEmbedding());
                break;
            }
            case "transform":
            {
                var train = IdxData.Load(ml, o.DataDir, "train", 0);
                var test = IdxData.Load(ml, o.DataDir, "t10k", 0);
                clock.Start();
                var model = ml.Transforms.ProjectToUmap("Umap", "Features", new UmapOptions { Seed = o.Seed }).Fit(train);
                result["fit_train60k_seconds"] = clock.Elapsed.TotalSeconds;
                clock.Restart();
                var placed = model.Transform(test).GetColumn<float[]>("Umap").ToArray();
                result["transform_test10k_first_call_seconds"] = clock.Elapsed.TotalSeconds;
                clock.Restart();
                var again = model.Transform(test).GetColumn<float[]>("Umap").ToArray();
                result["transform_test10k_second_call_seconds"] = clock.Elapsed.TotalSeconds;
                result["second_call_identical"] = placed.Zip(again).All(p => p.First.AsSpan().SequenceEqual(p.Second));
                var fitted = model.GetTrainingEmbedding();
                int trainRows = fitted.GetLength(0);
                var points = new float[(trainRows + placed.Length) * 2];
                Buffer.BlockCopy(fitted, 0, points, 0, trainRows * 2 * sizeof(float));
                for (int i = 0; i < placed.Length; i++) placed[i].CopyTo(points, (trainRows + i) * 2);
                var labels = train.GetColumn<uint>("Label").Concat(test.GetColumn<uint>("Label")).Select(v => (int)v).ToArray();
                result["knn10_acc_test_vs_train_embedding"] =
                    ProjectionQuality.KnnAccuracy(points, labels, points.Length / 2, 2, k: 10, trainRows: trainRows);
                break;
            }
            case "determinism":
            {
                // The same seeded fit on one thread and on every core: the bytes must not differ.
                var data = LoadConcatenated(ml, o.DataDir, o.OutDir ?? Path.GetTempPath());
                var hashes = new List<string>();
                foreach (int? threads in new int?[] { 1, null })
                {
                    clock.Restart();
                    var model = ml.Transforms.ProjectToUmap("Umap", "Features", new UmapOptions { Seed = o.Seed, MaxThreads = threads })
                        .Fit(data);
                    result[threads is null ? "fit_all_cores_seconds" : "fit_one_thread_seconds"] = clock.Elapsed.TotalSeconds;
                    var embedding = model.GetTrainingEmbedding();
                    var bytes = new byte[embedding.Length * sizeof(float)];
                    Buffer.BlockCopy(embedding, 0, bytes, 0, bytes.Length);
                    hashes.Add(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)));
                }
                result["sha256_one_thread"] = hashes[0];
                result["sha256_all_cores"] = hashes[1];
                result["byte_identical"] = hashes[0] == hashes[1];
                break;
            }
            default:
                throw new ArgumentException($"--case must be one of {string.Join(",", UmapBenchOptions.AllCases)}.");
        }
        result["peak_rss_mb"] = ProcessMemory.PeakRssMb();
        Console.Out.WriteLine(result.ToJsonString());
        return 0;
    }

    /// <summary>Train then test rows as one raw IDX pair (70,000 images), read through <c>LoadFromIdx</c> like any
    /// user file; written once into the bench's scratch folder.</summary>
    private static IDataView LoadConcatenated(MLContext ml, string dataDir, string scratch)
    {
        string images = Path.Combine(scratch, "fashion70k-images-idx3-ubyte"), labels = Path.Combine(scratch, "fashion70k-labels-idx1-ubyte");
        if (!File.Exists(images) || !File.Exists(labels))
        {
            Concatenate(dataDir, "images-idx3-ubyte", 16, images);
            Concatenate(dataDir, "labels-idx1-ubyte", 8, labels);
        }
        return ml.Data.LoadFromIdx(images, labels);
    }

    private static void Concatenate(string dataDir, string stem, int headerBytes, string destination)
    {
        byte[] train = Unzip(Path.Combine(dataDir, $"train-{stem}.gz")), test = Unzip(Path.Combine(dataDir, $"t10k-{stem}.gz"));
        var header = train[..headerBytes];
        int count = BitConverter.ToInt32(train.AsSpan(4, 4).ToArray().Reverse().ToArray()) +
                    BitConverter.ToInt32(test.AsSpan(4, 4).ToArray().Reverse().ToArray());
        BitConverter.GetBytes(count).Reverse().ToArray().CopyTo(header, 4);
        using var output = File.Create(destination + ".partial");
        output.Write(header);
        output.Write(train.AsSpan(headerBytes));
        output.Write(test.AsSpan(headerBytes));
        output.Close();
        File.Move(destination + ".partial", destination, overwrite: true);
    }

    private static byte[] Unzip(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }

    private static void WriteCsv(string path, float[,] embedding)
    {
        var text = new StringBuilder();
        for (int i = 0; i < embedding.GetLength(0); i++)
            text.Append(embedding[i, 0].ToString("R", Inv)).Append(',').Append(embedding[i, 1].ToString("R", Inv)).Append('\n');
        File.WriteAllText(path, text.ToString());
    }

    /// <summary>Medians and ranges over the pairs of every figure the bars in BENCHMARKS.md name, and the per-pair
    /// ratios package / peer.</summary>
    private static JsonObject Summarise(JsonArray pairs)
    {
        var figures = new Dictionary<string, Func<JsonNode, double?>>
        {
            ["fit70k_package_seconds"] = p => Num(p, "package", "fit70k", "fit_seconds"),
            ["fit70k_peer_warm_seconds"] = p => Num(p, "peer", "fit70k", "fit_transform_warm_seconds"),
            ["fit70k_peer_cold_seconds"] = p => Num(p, "peer", "fit70k", "fit_transform_cold_seconds"),
            ["fit70k_ratio_package_over_peer_warm"] = p => Ratio(Num(p, "package", "fit70k", "fit_seconds"), Num(p, "peer", "fit70k", "fit_transform_warm_seconds")),
            ["fit70k_package_trustworthiness15"] = p => Num(p, "package", "fit70k", "quality", "trustworthiness15_euclidean"),
            ["fit70k_peer_warm_trustworthiness15"] = p => Num(p, "peer", "fit70k", "quality_warm", "trustworthiness15_euclidean"),
            ["fit70k_package_knn10_split"] = p => Num(p, "package", "fit70k", "quality", "knn10_acc_split_60k_10k"),
            ["fit70k_peer_warm_knn10_split"] = p => Num(p, "peer", "fit70k", "quality_warm", "knn10_acc_split_60k_10k"),
            ["fit70k_package_peak_rss_mb"] = p => Num(p, "package", "fit70k", "peak_rss_mb"),
            ["fit70k_peer_peak_rss_mb_after_cold_fit"] = p => Num(p, "peer", "fit70k", "peak_rss_mib_after_cold"),
            ["transform_package_seconds"] = p => Num(p, "package", "transform", "transform_test10k_first_call_seconds"),
            ["transform_peer_warm_seconds"] = p => Num(p, "peer", "fit70k", "transform_test10k_second_call_seconds"),
            ["transform_ratio_package_over_peer_warm"] = p => Ratio(Num(p, "package", "transform", "transform_test10k_first_call_seconds"), Num(p, "peer", "fit70k", "transform_test10k_second_call_seconds")),
            ["transform_package_knn10"] = p => Num(p, "package", "transform", "knn10_acc_test_vs_train_embedding"),
            ["transform_peer_knn10"] = p => Num(p, "peer", "fit70k", "transform_knn10_acc_second_call"),
            ["transform_package_fit60k_seconds"] = p => Num(p, "package", "transform", "fit_train60k_seconds"),
            ["transform_peer_fit60k_seconds"] = p => Num(p, "peer", "fit70k", "transform_fit_train60k_seconds"),
            ["correlation_package_seconds"] = p => Num(p, "package", "correlation", "fit_seconds"),
            ["correlation_peer_warm_seconds"] = p => Num(p, "peer", "correlation", "fit_transform_warm_seconds"),
            ["correlation_ratio_package_over_peer_warm"] = p => Ratio(Num(p, "package", "correlation", "fit_seconds"), Num(p, "peer", "correlation", "fit_transform_warm_seconds")),
            ["correlation_package_trustworthiness15_correlation"] = p => Num(p, "package", "correlation", "quality", "trustworthiness15_correlation"),
            ["correlation_peer_warm_trustworthiness15_correlation"] = p => Num(p, "peer", "correlation", "quality_warm", "trustworthiness15_correlation"),
            ["correlation_package_knn10_cv5"] = p => Num(p, "package", "correlation", "quality", "knn10_acc_cv5"),
            ["correlation_peer_warm_knn10_cv5"] = p => Num(p, "peer", "correlation", "quality_warm", "knn10_acc_cv5"),
            ["determinism_byte_identical_1_vs_all_threads"] = p => Num(p, "package", "determinism", "byte_identical"),
            ["determinism_one_thread_seconds"] = p => Num(p, "package", "determinism", "fit_one_thread_seconds"),
            ["determinism_all_cores_seconds"] = p => Num(p, "package", "determinism", "fit_all_cores_seconds"),
        };
        var summary = new JsonObject();
        foreach (var (name, read) in figures)
            if (Stats.Of(pairs.Select(p => read(p!))) is { } s)
                summary[name] = new JsonObject { ["median"] = s.Median, ["min"] = s.Min, ["max"] = s.Max, ["n"] = s.Count };
        return summary;
    }

    private static double? Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? x / y : null;

    private static double? Num(JsonNode pair, params string[] path)
    {
        JsonNode? node = pair;
        foreach (string key in path)
            node = node is JsonObject o && o.TryGetPropertyValue(key, out var child) ? child : null;
        if (node is JsonValue flag && flag.TryGetValue(out bool b))
            return b ? 1 : 0;   // yes/no figures (byte_identical) summarise as 1/0
        return node is JsonValue v && v.TryGetValue(out double d) ? d : null;
    }

    private static string Markdown(JsonObject report, JsonObject summary)
    {
        var md = new StringBuilder();
        md.AppendLine("# UMAP benchmark: package vs umap-learn 0.5.3").AppendLine();
        md.AppendLine(string.Create(Inv, $"Started {report["started"]}, finished {report["finished"]}; load at start {report["load_at_start"]}; {((JsonArray)report["pairs"]!).Count} pairs, alternating order; medians (min-max)."));
        md.AppendLine().AppendLine("| figure | median | min | max |").AppendLine("|---|---|---|---|");
        foreach (var (name, node) in summary)
            md.AppendLine(string.Create(Inv, $"| {name} | {node!["median"]!.GetValue<double>():G4} | {node["min"]!.GetValue<double>():G4} | {node["max"]!.GetValue<double>():G4} |"));
        return md.ToString();
    }
}
