using System.Text.Json;

namespace MlNetTriplet.Bench;

/// <summary>The parent of a photo benchmark against a PyTorch peer (<c>transfer</c>, <c>similarity</c>): the
/// repository and the output folders, the package's ImageNet ResNet-18 exported once as a torchvision state_dict into
/// a temporary work folder (so both sides train the same weights), the machine at the start, and the rounds: per mode,
/// package and peer alternated (order swapped every round), each run in a process of its own, both sides of a round on
/// the same seed and required to read the same photos. Disposing it deletes the work folder.</summary>
internal sealed class PhotoBenchmark : IDisposable
{
    private readonly string _verb;
    private readonly DirectoryInfo _work;
    private readonly (string FileName, string[] Prefix) _self = ChildProcess.Self();

    public PhotoBenchmark(PhotoBenchOptions o, string verb)
    {
        _verb = verb;
        Repository = RepoRoot.Find();
        OutDir = Path.GetFullPath(o.OutDir ?? Path.Combine(Repository, "bench", "results"));
        TmpDir = Path.Combine(OutDir, "tmp");
        Directory.CreateDirectory(TmpDir);
        Photos = o.DataPath(Repository);
        Machine = MachineInfo.Read();
        LoadAtStart = MachineInfo.LoadAverageNow();
        _work = Directory.CreateTempSubdirectory($"mlnettriplet-{verb}-");
        try
        {
            Weights = BackboneExport.ResNet18ImageNet(Path.Combine(_work.FullName, "resnet18-cntk.pt"));
        }
        catch
        {
            _work.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>The repository's root folder.</summary>
    public string Repository { get; }
    /// <summary>Where NAME.json and NAME.md go; the peers' own JSON goes to its tmp/ folder.</summary>
    public string OutDir { get; }
    public string TmpDir { get; }
    /// <summary>The photo folder of <c>--data-dir</c>, resolved.</summary>
    public string Photos { get; }
    /// <summary>The exported weights (".pt", with ".preprocessing.pt" beside it) the peer loads.</summary>
    public string Weights { get; }
    public MachineInfo Machine { get; }
    public DateTimeOffset Started { get; } = DateTimeOffset.Now;
    public string? LoadAtStart { get; }

    /// <summary>A folder in the work folder, deleted with it (e.g. links to the photos).</summary>
    public string WorkPath(string name) => Path.Combine(_work.FullName, name);

    /// <summary>Prints what is about to run: <paramref name="what"/>, the data, the weights, the machine, the OpenMP env.</summary>
    public void PrintStart(string what, string dataDir)
    {
        Console.WriteLine(what);
        Console.WriteLine($"data {dataDir}; weights exported to {Weights}; {Machine.Nproc} x {Machine.CpuModel}; load {LoadAtStart}");
        Console.WriteLine("OpenMP env: " + string.Join(", ", Child.OmpEnv().Select(p => $"{p.Key}={p.Value ?? "(unset)"}")));
    }

    /// <summary>Every mode's rounds: <paramref name="run"/>(options with the round's seed, mode, side, round) for
    /// side "package" and "peer" in alternating order; each run stamped with its round, position and the load
    /// averages around it, and described by <paramref name="describe"/> as it ends. Fails when the two sides of a
    /// round counted different photos (<paramref name="testPhotos"/> names what NTest counts).</summary>
    public List<T> Rounds<T, TOptions>(TOptions o, Func<TOptions, string, string, int, T> run, Func<T, string> describe,
        string testPhotos) where T : PhotoRunResult where TOptions : PhotoBenchOptions
    {
        var runs = new List<T>();
        foreach (string mode in o.Modes)
        {
            for (int round = 1; round <= o.Pairs; round++)
            {
                string[] order = round % 2 == 1 ? ["package", "peer"] : ["peer", "package"];
                // Casts to the base records: `with` takes no type parameter.
                var roundOptions = (TOptions)((PhotoBenchOptions)o with { Seed = o.SeedOf(round) });
                Console.WriteLine($"{mode} round {round}/{o.Pairs}, seed {roundOptions.Seed}: {string.Join(", ", order)}");
                var sides = new List<T>();
                for (int k = 0; k < order.Length; k++)
                {
                    string? before = MachineInfo.LoadAverageNow();
                    var result = (T)((PhotoRunResult)run(roundOptions, mode, order[k], round) with
                    {
                        Round = round, OrderInRound = k, LoadAverageBefore = before, LoadAverageAfter = MachineInfo.LoadAverageNow(),
                    });
                    sides.Add(result);
                    Console.WriteLine(describe(result));
                }
                // Both sides list the folders by the same rule; different counts would make every comparison meaningless.
                if (sides.Select(r => (r.NTrain, r.NTest)).Distinct().Count() > 1)
                    throw new InvalidOperationException("The sides read different photos: " +
                        string.Join("; ", sides.Select(r => $"{r.Side} {r.NTrain} training / {r.NTest} {testPhotos}")));
                runs.AddRange(sides);
            }
        }
        return runs;
    }

    /// <summary>This bench's <paramref name="childVerb"/> in a process of its own; its JSON line as a
    /// <typeparamref name="T"/> with the process's wall time.</summary>
    public T RunPackage<T>(string childVerb, IEnumerable<string> args) where T : TrainingRunResult
    {
        var (json, seconds) = ChildProcess.Run(_self.FileName, [.. _self.Prefix, childVerb, .. args]);
        return (T)((TrainingRunResult)json.Deserialize<T>(Json.Line)! with { ProcessSeconds = seconds });
    }

    /// <summary>bench/<paramref name="script"/> with Debian's Python on the exported weights and the flags both photo
    /// peers take (plus <paramref name="extra"/>); its result JSON, also kept in tmp/, and the process's wall time.</summary>
    public (JsonElement Json, double Seconds) RunPeer(string script, PhotoBenchOptions o, string mode, string dataDir,
        int round, IEnumerable<string> extra)
    {
        string path = Path.Combine(Repository, "bench", script);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The PyTorch peer is not at {path}.", path);
        return ChildProcess.Run(ChildProcess.Python,
        [
            path, "--weights", Weights, "--data-dir", dataDir, "--mode", mode, "--epochs", CnnOptions.Str(o.Epochs),
            "--threads", CnnOptions.Str(o.Threads), "--seed", CnnOptions.Str(o.Seed), "--workers", CnnOptions.Str(o.PeerWorkers),
            "--out", Path.Combine(TmpDir, $"{_verb}-{mode}-peer-round{round}.json"), .. extra,
        ]);
    }

    /// <summary><paramref name="result"/> (a peer run with its verb's own figures) with the fields every photo peer
    /// writes: epochs, threads, seed, training photos, training time and images, DataLoader workers, peak RSS, OpenMP
    /// env, per-epoch figures.</summary>
    public static T PeerFigures<T>(T result, JsonElement json, double seconds) where T : PhotoRunResult
    {
        var epochs = json.GetProperty("epochs_detail").EnumerateArray().Select(e => new EpochFigures(
            e.GetProperty("epoch").GetInt32(), e.GetProperty("seconds").GetDouble(), e.GetProperty("images").GetInt64(),
            e.GetProperty("images_per_second").GetDouble(), e.GetProperty("loss").GetDouble(),
            OptionalDouble(e, "train_accuracy"), null)).ToList();
        return (T)((PhotoRunResult)result with
        {
            Epochs = json.GetProperty("epochs_run").GetInt32(), Threads = json.GetProperty("threads").GetInt32(),
            Seed = json.GetProperty("seed").GetInt32(), NTrain = json.GetProperty("n_train").GetInt32(),
            TrainSeconds = json.GetProperty("train_seconds").GetDouble(), TrainImages = json.GetProperty("images").GetInt64(),
            TrainImagesPerSecond = json.GetProperty("train_images_per_second").GetDouble(),
            DecoderWorkers = json.GetProperty("dataloader_workers").GetInt32(),
            WorkersPeakRssMb = json.GetProperty("workers_peak_rss_mb").GetDouble(),
            PeakRssMb = json.GetProperty("peak_rss_mb").GetDouble(), ProcessSeconds = seconds, EpochDetails = epochs,
            OmpEnv = json.GetProperty("omp_env").Deserialize<Dictionary<string, string?>>() ?? [],
        });
    }

    /// <summary>How a photo peer's result names its runtime.</summary>
    public static string PeerRuntime(JsonElement json) =>
        $"PyTorch {json.GetProperty("torch_version").GetString()}, torchvision {json.GetProperty("torchvision_version").GetString()} on Python {json.GetProperty("python_version").GetString()}";

    /// <summary>A number the peer may leave out or write as null.</summary>
    public static double? OptionalDouble(JsonElement json, string name) =>
        json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    /// <summary>Writes the report, prints its markdown and where it went.</summary>
    public void Finish(string name, Action<string> write, Func<string> markdown)
    {
        write(OutDir);
        Console.WriteLine(markdown());
        Console.WriteLine($"wrote {Path.Combine(OutDir, name + ".json")} and {Path.Combine(OutDir, name + ".md")}");
    }

    public void Dispose() => _work.Delete(recursive: true);
}
