using System.Globalization;

namespace MlNetTriplet.Bench;

/// <summary>Command-line settings of the photo-similarity benchmark (issue 24), shared by the parent
/// (<c>similarity</c>) and its package runs (<c>similarity-one</c>). Every training setting is a flag given to both
/// sides, with the values the PyTorch peer found on CUB (margin 0.2, lr 1e-4, cosine, batch-hard on 8 x 4 batches,
/// 128-d embeddings; the backbone at the head's rate, which fine-tuning on CUB needs: at 0.1 x it did worse than a
/// frozen head, bench/results/similarity-cub-explore.md); the rest is each side's default (random resized crop and
/// flip when the backbone trains, no batch norm in the head).</summary>
internal sealed record SimilarityOptions : PhotoBenchOptions
{
    public static readonly string[] AllModes = ["frozen", "last", "all"];

    public SimilarityOptions()
    {
        Modes = ["last"];
        Pairs = 2;
        Epochs = 2;
        Name = "similarity";
    }

    public double Margin { get; init; } = 0.2;
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>The training backbone layers' learning rate as a share of the head's (both sides).</summary>
    public double BackboneLearningRateFactor { get; init; } = 1.0;
    /// <summary>cosine or constant, as the peer's --schedule.</summary>
    public string Schedule { get; init; } = "cosine";
    public int EmbeddingSize { get; init; } = 128;
    /// <summary>P; the parent gives both sides at most the number of training classes.</summary>
    public int ClassesPerBatch { get; init; } = 8;
    /// <summary>K.</summary>
    public int SamplesPerClass { get; init; } = 4;
    /// <summary>What both sides embed with after training: <c>head</c> (the head's output), <c>backbone</c> (the
    /// trained backbone's L2-normalised pooled features: the package's <c>PhotoEmbeddingSource.Backbone</c>, the peer's
    /// <c>trained_pooled</c> cosine figures) or <c>backbone-and-pretrained</c> (those beside the untrained features:
    /// <c>PhotoEmbeddingSource.BackboneAndPretrained</c>, the peer's <c>trained_with_pretrained</c>); both need a mode
    /// that trains the backbone.</summary>
    public string Embed { get; init; } = "head";

    public static TransferMode BackboneMode(string mode) => mode switch
    {
        "frozen" => TransferMode.FrozenBackbone,
        "last" => TransferMode.FineTuneLastBlocks,
        "all" => TransferMode.FineTuneAll,
        _ => throw new ArgumentException($"Mode must be one of {string.Join(", ", AllModes)}, not '{mode}'."),
    };

    public LearningRateSchedule TrainerSchedule => Schedule == "cosine" ? LearningRateSchedule.Cosine : LearningRateSchedule.Constant;

    /// <summary>The protocol's split: the first half of the classes (by ordinal name) train, the rest are held out;
    /// each part needs two classes at least (a negative for every anchor, a class besides the query's).</summary>
    public static int TrainClassCount(int classes, string folder)
    {
        int train = classes / 2;
        if (train < 2 || classes - train < 2)
            throw new ArgumentException(
                $"{folder} holds {classes} class folder(s); the similarity protocol needs at least 4 (half to train on, half held out).");
        return train;
    }

    protected override void CheckMode(string mode)
    {
        BackboneMode(mode);
        if (Embed != "head" && mode == "frozen")
            throw new ArgumentException($"--embed {Embed} needs a mode that trains the backbone (last or all); frozen would embed the untrained features.");
    }

    public static SimilarityOptions Parse(IReadOnlyList<string> args)
    {
        var o = Parse(new SimilarityOptions(), args, (o, flag, a) => flag switch
        {
            "--margin" => o with { Margin = a.Double() },
            "--lr" => o with { LearningRate = a.Double() },
            "--backbone-lr-factor" => o with { BackboneLearningRateFactor = a.Double() },
            "--schedule" => o with { Schedule = a.Value() },
            "--embedding-size" => o with { EmbeddingSize = a.Int() },
            "--classes-per-batch" => o with { ClassesPerBatch = a.Int() },
            "--samples-per-class" => o with { SamplesPerClass = a.Int() },
            "--embed" => o with { Embed = a.Value() },
            _ => null,
        });
        if (!(o.Margin > 0) || !(o.LearningRate > 0) || !(o.BackboneLearningRateFactor > 0) || o.EmbeddingSize < 1)
            throw new ArgumentException("--margin, --lr and --backbone-lr-factor must be above 0, --embedding-size at least 1.");
        if (o.Schedule is not ("cosine" or "constant"))
            throw new ArgumentException($"--schedule takes cosine or constant, not '{o.Schedule}'.");
        if (o.ClassesPerBatch < 2 || o.SamplesPerClass < 2)
            throw new ArgumentException("--classes-per-batch and --samples-per-class must be at least 2 (negatives and positives).");
        if (o.Embed is not ("head" or "backbone" or "backbone-and-pretrained"))
            throw new ArgumentException($"--embed takes head, backbone or backbone-and-pretrained, not '{o.Embed}'.");
        return o;
    }

    /// <summary>The training flags both sides take, with their names (the peer's and the package run's).</summary>
    public IEnumerable<string> TrainingArgs() =>
    [
        "--margin", Str(Margin), "--lr", Str(LearningRate), "--backbone-lr-factor", Str(BackboneLearningRateFactor),
        "--schedule", Schedule,
        "--embedding-size", CnnOptions.Str(EmbeddingSize), "--classes-per-batch", CnnOptions.Str(ClassesPerBatch),
        "--samples-per-class", CnnOptions.Str(SamplesPerClass),
    ];

    /// <summary>The flags a package run needs to reproduce these settings for one mode on <paramref name="dataDir"/>.</summary>
    public IEnumerable<string> ChildArgs(string mode, string dataDir) =>
        [.. SharedChildArgs(mode, dataDir), .. TrainingArgs(), "--embed", Embed];

    private static string Str(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public const string Usage = """
        usage: MlNetTriplet.Bench similarity [options]
          --mode M         frozen (FrozenBackbone), last (FineTuneLastBlocks, the last block), all (FineTuneAll)
                           (default last); --modes L runs several, comma-separated
          --pairs P        rounds of package / PyTorch peer per mode, order alternated each round (default 2)
          --epochs E       epochs per run (default 2)
          --margin M       triplet margin, batch-hard mining (default 0.2)
          --lr R           the head's learning rate, Adam (default 1e-4)
          --backbone-lr-factor F  the training backbone layers' rate as a share of the head's (default 1)
          --schedule S     cosine (per epoch) or constant (default cosine)
          --embedding-size N  (default 128)
          --classes-per-batch P, --samples-per-class K   P x K batches (default 8 x 4; P at most the training classes)
          --embed E        head (the head's output, default), backbone (the trained backbone's L2-normalised pooled
                           features) or backbone-and-pretrained (those beside the untrained ones:
                           TripletEmbeddingOptions.PhotoRecipe's choice); the last two with last or all
          --threads T      torch threads on both sides (default 2)
          --seed S         seed on both sides (default 0)
          --seeds L        comma-separated seed of each round, cycled (default: --seed in every round)
          --data-dir D     a folder of class folders, or train/ and val/ (or test/) of the same classes, joined
                           (default data/caltech101 of the repository); the first half of the classes by name train,
                           retrieval is measured among the other half's photos
          --peer-workers W the peer's DataLoader num_workers (default 2)
          --decoder-threads N the package's DecoderThreads (default: a quarter of the cores, at least 1)
          --out-dir D      where the results go (default bench/results under the repository root)
          --name N         results file stem: N.json and N.md (default similarity)
        """;
}
