using MlNetTriplet;
using MlNetTriplet.Examples;

namespace ImageSimilarity;

/// <summary>The example's command line.</summary>
internal sealed record ExampleOptions
{
    /// <summary>The repository's Caltech 101 photos (six classes, train/ and val/ joined).</summary>
    public string DataDirectory { get; init; } = RepositoryData.Path("caltech101");
    public bool DataDirectoryGiven { get; init; }
    public TransferMode Mode { get; init; } = TransferMode.FineTuneLastBlocks;
    public int Blocks { get; init; } = 1;
    public int? Epochs { get; init; }
    public TripletLossKind Loss { get; init; } = TripletLossKind.Margin;
    public int? EmbeddingSize { get; init; }
    public PhotoEmbeddingSource? Embed { get; init; }
    public double? Margin { get; init; }
    public TripletMining? Mining { get; init; }
    public double? LearningRate { get; init; }
    public double? BackboneLearningRateFactor { get; init; }
    public LearningRateSchedule? Schedule { get; init; }
    public int Seed { get; init; }
    public int Neighbors { get; init; } = 5;
    public int Queries { get; init; } = 8;
    public bool SkipUnreadable { get; init; }
    public bool NoMap { get; init; }
    public string OutputDirectory { get; init; } = "output";
    public bool Help { get; init; }

    /// <summary>A frozen backbone's head trains on cached features in well under a second an epoch; fine-tuning runs
    /// the backbone over every photo, every epoch (the recipe's 5).</summary>
    public int? EffectiveEpochs => Epochs ?? (Mode == TransferMode.FrozenBackbone ? 30 : null);

    public const string Usage = """
        Image similarity on photos: an ImageNet-pretrained ResNet-18 with an embedding head trained by metric learning
        on the first half of the class folders (in sorted order), then searched among the photos of the other half,
        which training never saw. Defaults: the package's TripletEmbeddingOptions.PhotoRecipe() (last block fine-tuned
        under a 512-d projection head, batch-hard triplets, margin 0.2, Adam 1e-4 cosine, 5 epochs; the model embeds
        with the fine-tuned backbone's pooled features beside the untrained ones); each option below overrides one part. Retrieval (MAP@R, P@1) is measured against the untrained backbone's pooled
        features on the same photos; a gallery of queries with their nearest neighbours and a UMAP map are drawn.

        usage: dotnet run --project examples/ImageSimilarity -c Release -- [options]

          --data-dir DIR        a folder with one sub-folder of photos per class (at least 4 classes), or with
                                train/ and val/ folders of the same classes (joined)
                                default: the repository's data/caltech101 (six Caltech 101 classes, 180 photos);
                                e.g. CUB-200-2011's images/ folder, or any folder of classes of your own
          --mode MODE           finetune-last (default): the last --blocks backbone blocks and the head train
                                frozen: the backbone's features are computed once, the head trains on them
                                finetune: every layer trains
          --blocks N            backbone blocks that train with finetune-last (default 1: layer4)
          --epochs N            training epochs (default 30 frozen, 5 fine-tuning)
          --loss NAME           margin (default: triplet margin loss, batch-hard mining), contrastive,
                                multi-similarity, proxy-anchor
          --embedding-size N    the head's size (default 512)
          --embed WHAT          what the trained model embeds with: backbone-and-pretrained (default: the fine-tuned
                                and the untrained backbone's pooled features side by side, 1,024 values), backbone
                                (the fine-tuned features alone), head (the head's output; the only choice, and the
                                default, with --mode frozen)
          --margin M            the margin loss's margin (default 0.2)
          --mining NAME         triplets of the margin loss: batch-hard (default), semi-hard, batch-all, none
          --learning-rate LR    Adam's learning rate (default 0.0001)
          --backbone-lr-factor F  the training backbone layers' learning rate as a share of the head's, in (0, 1]
                                (default 1)
          --schedule NAME       cosine (default: a per-epoch cosine decay) or constant
          --seed N              seed of the MLContext and the trainer (default 0)
          --neighbors N         neighbours shown per query in the gallery (default 5)
          --queries N           queries in the gallery, one per held-out class in order (default 8)
          --skip-unreadable     leave unreadable photo files out (reported) instead of stopping
          --no-map              skip the UMAP map of the held-out embeddings
          --out DIR             where to write model.zip, metrics.json, neighbors.png and map.png (default ./output)
          --help                this text

        exit codes: 0 success, 1 bad arguments or a failed check, 2 data missing or unreadable
        """;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static ExampleOptions Parse(string[] args)
    {
        var o = new ExampleOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string Value() => CommandLine.Value(args, ref i);
            int Number(int minimum) => CommandLine.Int(arg, Value(), minimum);
            o = arg switch
            {
                "--data-dir" => o with { DataDirectory = Value(), DataDirectoryGiven = true },
                "--mode" => o with { Mode = PhotoExamples.ParseMode(Value()) },
                "--blocks" => o with { Blocks = Number(1) },
                "--epochs" => o with { Epochs = Number(1) },
                "--loss" => o with { Loss = ParseLoss(Value()) },
                "--embedding-size" => o with { EmbeddingSize = Number(2) },
                "--embed" => o with { Embed = ParseEmbed(Value()) },
                "--margin" => o with { Margin = CommandLine.Double(arg, Value(), 0) },
                "--mining" => o with { Mining = ParseMining(Value()) },
                "--learning-rate" => o with { LearningRate = CommandLine.Double(arg, Value(), double.Epsilon) },
                "--backbone-lr-factor" => o with { BackboneLearningRateFactor = Factor(Value()) },
                "--schedule" => o with { Schedule = ParseSchedule(Value()) },
                "--seed" => o with { Seed = Number(0) },
                "--neighbors" => o with { Neighbors = Number(1) },
                "--queries" => o with { Queries = Number(1) },
                "--skip-unreadable" => o with { SkipUnreadable = true },
                "--no-map" => o with { NoMap = true },
                "--out" => o with { OutputDirectory = Value() },
                "--help" or "-h" => o with { Help = true },
                _ => throw new ArgumentException($"Unknown option '{arg}'."),
            };
        }
        return o;
    }

    /// <summary>The trainer accepts (0, 1]: a backbone learning faster than its head is not an option it offers.</summary>
    private static double Factor(string text)
    {
        double factor = CommandLine.Double("--backbone-lr-factor", text, double.Epsilon);
        return factor <= 1 ? factor : throw new ArgumentException($"--backbone-lr-factor takes a number in (0, 1], not {text}.");
    }

    private static TripletLossKind ParseLoss(string text) => text switch
    {
        "margin" => TripletLossKind.Margin,
        "contrastive" => TripletLossKind.Contrastive,
        "multi-similarity" => TripletLossKind.MultiSimilarity,
        "proxy-anchor" => TripletLossKind.ProxyAnchor,
        _ => throw new ArgumentException($"--loss takes margin, contrastive, multi-similarity or proxy-anchor, not '{text}'."),
    };

    private static PhotoEmbeddingSource ParseEmbed(string text) => text switch
    {
        "head" => PhotoEmbeddingSource.Head,
        "backbone" => PhotoEmbeddingSource.Backbone,
        "backbone-and-pretrained" => PhotoEmbeddingSource.BackboneAndPretrained,
        _ => throw new ArgumentException($"--embed takes backbone-and-pretrained, backbone or head, not '{text}'."),
    };

    private static TripletMining ParseMining(string text) => text switch
    {
        "semi-hard" => TripletMining.SemiHard,
        "batch-hard" => TripletMining.BatchHard,
        "batch-all" => TripletMining.BatchAll,
        "none" => TripletMining.None,
        _ => throw new ArgumentException($"--mining takes semi-hard, batch-hard, batch-all or none, not '{text}'."),
    };

    private static LearningRateSchedule ParseSchedule(string text) => text switch
    {
        "constant" => LearningRateSchedule.Constant,
        "cosine" => LearningRateSchedule.Cosine,
        _ => throw new ArgumentException($"--schedule takes constant or cosine, not '{text}'."),
    };

    public string ModeName => PhotoExamples.ModeName(Mode, Blocks);
}
