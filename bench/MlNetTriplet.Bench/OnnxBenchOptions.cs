using System.Globalization;

namespace MlNetTriplet.Bench;

/// <summary>Command-line settings of the ONNX benchmark (<c>onnx</c>): ONNX Runtime on the exported graph against the
/// package's own Transform on the same rows, for the Fashion-MNIST CNN and the CNTK ResNet-18 transfer classifier.</summary>
internal sealed record OnnxBenchOptions
{
    public int Pairs { get; init; } = 3;
    /// <summary>Threads of libtorch and ONNX Runtime's intra-op pool alike (BENCHMARKS.md: 2).</summary>
    public int Threads { get; init; } = 2;
    /// <summary>Rows per batch on both sides (the package's inference batch, ONNX Runtime's Run calls).</summary>
    public int Batch { get; init; } = 64;
    public string FashionDir { get; init; } = "/usr/share/datasets/fashion-mnist";
    /// <summary>Training images and epochs of the CNN (its quality does not matter here; its speed does not change).</summary>
    public int CnnTrainRows { get; init; } = 10_000;
    public int CnnEpochs { get; init; } = 1;
    /// <summary>Test images both sides score, per round.</summary>
    public int CnnRows { get; init; } = 10_000;
    public string PhotoDir { get; init; } = PhotoBenchOptions.DefaultDataDir;
    /// <summary>Photos the transfer head trains on (one epoch, frozen backbone) and photos both sides score; 0 = all.</summary>
    public int NTrain { get; init; }
    public int NVal { get; init; }
    public string? OutDir { get; init; }
    public string Name { get; init; } = "onnx";

    public static OnnxBenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new OnnxBenchOptions();
        var a = new BenchArgs(args);
        while (a.Next(out string flag))
        {
            o = flag switch
            {
                "--pairs" => o with { Pairs = a.Int() },
                "--threads" => o with { Threads = a.Int() },
                "--batch" => o with { Batch = a.Int() },
                "--fashion-dir" => o with { FashionDir = a.Value() },
                "--cnn-train-rows" => o with { CnnTrainRows = a.Int() },
                "--cnn-epochs" => o with { CnnEpochs = a.Int() },
                "--cnn-rows" => o with { CnnRows = a.Int() },
                "--photo-dir" => o with { PhotoDir = a.Value() },
                "--n-train" => o with { NTrain = a.Int() },
                "--n-val" => o with { NVal = a.Int() },
                "--out-dir" => o with { OutDir = a.Value() },
                "--name" => o with { Name = a.Value() },
                _ => throw new ArgumentException($"Unknown option '{flag}'."),
            };
        }
        if (o.Pairs < 1 || o.Threads < 1 || o.Batch < 1 || o.CnnTrainRows < 1 || o.CnnEpochs < 1 || o.CnnRows < 1 || o.NTrain < 0 || o.NVal < 0)
            throw new ArgumentException("--pairs, --threads, --batch, --cnn-train-rows, --cnn-epochs and --cnn-rows must be at least 1; --n-train and --n-val at least 0.");
        return o;
    }

    public const string Usage = """
        usage: MlNetTriplet.Bench onnx [options]
          --pairs P          rounds; each scores the rows on both sides, the order alternated each round (default 3)
          --threads T        libtorch threads and ONNX Runtime intra-op threads (default 2)
          --batch B          rows per batch on both sides (default 64)
          --fashion-dir D    the Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist)
          --cnn-train-rows N training images of the CNN (default 10000); --cnn-epochs E (default 1)
          --cnn-rows N       test images scored per round (default 10000)
          --photo-dir D      train/ and val/ photo folders for the ResNet-18 (default the transfer benchmark's)
          --n-train N        photos the transfer head trains on (default 0 = all); --n-val N photos scored (0 = all)
          --out-dir D        where the results go (default bench/results under the repository root)
          --name N           results file stem: N.json and N.md (default onnx)
        """;
}
