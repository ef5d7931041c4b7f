using MlNetTriplet.Checks;

namespace MlNetTriplet;

/// <summary>Options of <see cref="TripletEmbeddingEstimator"/>. The defaults train as the TF-Addons
/// <c>TripletSemiHardLoss</c> tutorial (FaceNet) does: shuffled batches of 32, semi-hard mining, margin loss 1.0 on
/// Euclidean distances, a 256-d L2-normalised embedding, Adam 0.001, 5 epochs; images go through
/// <see cref="DefaultCnn"/>. <see cref="SemiHardRecipe"/> is the tutorial exactly (its own CNN),
/// <see cref="SoftmaxRatioRecipe"/> the Keras triplet tutorial. Photos (a column of file paths or of
/// <c>LoadImages</c> images) go through a pretrained <see cref="Backbone"/> (the ImageNet ResNet-18 by default, frozen
/// by default) and an embedding head, in class-balanced P x K batches; <see cref="PhotoRecipe"/> is the measured
/// starting point for them. Losses, mining, distance and sampling combine
/// freely; <c>Fit</c> rejects the combinations that cannot work before reading any data.</summary>
public sealed class TripletEmbeddingOptions : NetworkTrainingOptions
{
    /// <summary>Creates the TF-Addons semi-hard recipe's options (batch 32, 5 epochs).</summary>
    public TripletEmbeddingOptions()
    {
        BatchSize = 32;
        NumberOfEpochs = 5;
    }

    /// <summary>The TF-Addons tutorial's CNN: conv 64 2x2 same-ReLU-maxpool-dropout 0.3, conv 32 2x2 same-ReLU-maxpool-
    /// dropout 0.3, flatten, then the linear embedding layer.</summary>
    public static CnnArchitecture SemiHardTutorialCnn { get; } = new()
    {
        Blocks =
        [
            new ConvBlock { Filters = 64, KernelSize = 2, SamePadding = true, Dropout = 0.3f },
            new ConvBlock { Filters = 32, KernelSize = 2, SamePadding = true, Dropout = 0.3f },
        ],
        DenseUnits = [],
        HeadDropout = 0,
    };

    /// <summary>The Keras triplet tutorial's CNN: conv 32 3x3 valid-ReLU, conv 64 3x3 valid-ReLU, maxpool 2, flatten,
    /// then the linear embedding layer (its ReLU is <see cref="EmbeddingActivation"/>).</summary>
    public static CnnArchitecture SoftmaxRatioTutorialCnn { get; } = new()
    {
        Blocks =
        [
            new ConvBlock { Filters = 32, KernelSize = 3, Padding = 0, Pooling = Pooling.None },
            new ConvBlock { Filters = 64, KernelSize = 3, Padding = 0 },
        ],
        DenseUnits = [],
        HeadDropout = 0,
    };

    /// <summary>The TF-Addons semi-hard tutorial exactly: the defaults with <see cref="SemiHardTutorialCnn"/>, its
    /// mining, sampling and distance set explicitly.</summary>
    public static TripletEmbeddingOptions SemiHardRecipe() => new()
    {
        Architecture = SemiHardTutorialCnn, Mining = TripletMining.SemiHard, Sampling = TripletSampling.Shuffled,
        Distance = DistanceMetric.Euclidean,
    };

    /// <summary>The Keras triplet tutorial: 3 epochs of 150 batches of 64 random triplets, softmax-ratio loss on L1
    /// distances, a 100-d ReLU embedding without normalisation, <see cref="SoftmaxRatioTutorialCnn"/>, Adam 0.001.</summary>
    public static TripletEmbeddingOptions SoftmaxRatioRecipe() => new()
    {
        Architecture = SoftmaxRatioTutorialCnn, EmbeddingSize = 100, EmbeddingActivation = Activation.Relu,
        NormalizeEmbedding = false, Loss = TripletLossKind.SoftmaxRatio, Mining = TripletMining.None,
        Sampling = TripletSampling.RandomTriplets, Distance = DistanceMetric.Manhattan, BatchSize = 64, StepsPerEpoch = 150,
        NumberOfEpochs = 3,
    };

    /// <summary>Image similarity on photos that must also tell apart classes training never saw (search, new
    /// classes without retraining): the photo column <c>"ImagePath"</c> (as <c>LoadFromImageFolder</c> names it)
    /// through the ImageNet ResNet-18 with its last block fine-tuned at the head's learning rate
    /// (<see cref="BackboneLearningRateFactor"/> 1) under a 512-d projection head, batch-hard triplets with margin 0.2
    /// on P x K = 8 x 4 batches, Adam 1e-4 with a cosine decay, 5 epochs; the fitted model embeds with the fine-tuned
    /// backbone's L2-normalised pooled features beside the untrained ones (<see cref="EmbeddingSource"/>
    /// <see cref="PhotoEmbeddingSource.BackboneAndPretrained"/>, 1,024 values), 64 photos at a time. Measured on
    /// CUB-100 (50 bird species trained, 50 held out, seeds 0-2): P@1 0.791-0.796 and MAP@R 0.330-0.333 against the
    /// untrained backbone's 0.701 and 0.201, where the plain defaults (made for Fashion-MNIST) end below it.</summary>
    // A recipe beside the two tutorials rather than photo-dependent defaults: the learning rate, its schedule and the
    // inference batch are the training engine's options, shared by every trainer, and have one default each.
    public static TripletEmbeddingOptions PhotoRecipe() => new()
    {
        FeatureColumnName = "ImagePath", BackboneMode = TransferMode.FineTuneLastBlocks, FineTuneBlocks = 1,
        BackboneLearningRateFactor = 1, EmbeddingSize = 512, EmbeddingSource = PhotoEmbeddingSource.BackboneAndPretrained, Loss = TripletLossKind.Margin,
        Mining = TripletMining.BatchHard, Margin = 0.2, Sampling = TripletSampling.ClassBalanced, LearningRate = 1e-4,
        LearningRateSchedule = LearningRateSchedule.Cosine, NumberOfEpochs = 5, InferenceBatchSize = 64,
    };

    /// <summary>Key-typed label column (classes define who is positive). Default <c>"Label"</c>.</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>The input column: a <c>Vector&lt;Single&gt;</c> of images (C x H x W) or plain feature vectors, or
    /// photos for a pretrained <see cref="Backbone"/>: a Text column of file paths (as
    /// <c>mlContext.Data.LoadFromImageFolder</c> gives), an Image column from <c>mlContext.Transforms.LoadImages</c>,
    /// or (with <see cref="Backbone"/> set) a <c>Vector&lt;Single&gt;</c> prepared as 3 x 224 x 224 RGB in [0, 1].
    /// Default <c>"Features"</c>.</summary>
    // One input column for every kind of input, as ML.NET's own image trainer (ImageClassificationTrainer) reads its
    // images from featureColumnName: an embedding has one input whatever it holds, and a second column option would
    // leave users guessing which of the two a model reads. What the column holds decides the network.
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>Name of the <c>Vector&lt;Single, EmbeddingSize&gt;</c> column the transformer adds. Default
    /// <c>"Embedding"</c>.</summary>
    public string OutputColumnName { get; set; } = "Embedding";

    /// <summary>Shape of one image. Default null: read from the column's annotation (set by <c>LoadFromIdx</c>).</summary>
    public ImageShape? ImageShape { get; set; }

    /// <summary>A CNN for image input. Default null: <see cref="DefaultCnn"/> when the input holds images of a known
    /// shape and <see cref="Mlp"/> is not set.</summary>
    public CnnArchitecture? Architecture { get; set; }

    /// <summary>The CNN used for images when <see cref="Architecture"/> is not set: the package's standard
    /// <see cref="CnnArchitecture"/> (3x3 conv 32 and 64 with max pooling, dense 128 with dropout 0.25), then the
    /// embedding layer. Chosen over <see cref="SemiHardTutorialCnn"/>, whose 2x2 kernels cap what semi-hard training
    /// reaches: with the same training, 5 epochs, medians of seeds 0-2, it measured test P@1 0.986 against 0.978 on
    /// MNIST and MAP@R 0.764 against 0.716 on Fashion-MNIST, and trains faster.</summary>
    public static CnnArchitecture DefaultCnn { get; } = new();

    /// <summary>An MLP for plain feature vectors. Default null: <see cref="DefaultMlp"/> when the input has no image
    /// shape. Set either this or <see cref="Architecture"/>, not both.</summary>
    public MlpArchitecture? Mlp { get; set; }

    /// <summary>The MLP used for plain feature vectors when <see cref="Mlp"/> is not set: hidden layers of 256 and 128
    /// ReLU units, widening towards the embedding rather than the classifier default's 64-wide last layer.</summary>
    public static MlpArchitecture DefaultMlp { get; } = new() { HiddenLayers = [256, 128] };

    /// <summary>The pretrained network photos go through (its pooled features feed the embedding head: linear to
    /// <see cref="EmbeddingSize"/>, <see cref="EmbeddingBatchNorm"/>, <see cref="EmbeddingActivation"/>,
    /// <see cref="NormalizeEmbedding"/>). Default null: photo columns (paths, LoadImages images) go through
    /// <see cref="PretrainedBackbone.ResNet18ImageNet(string?, string?)"/> (add NuGet
    /// <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> to the application), vectors through <see cref="Architecture"/>
    /// or <see cref="Mlp"/>. Set it to use your own weights (<see cref="PretrainedBackbone.FromFile"/>) or to embed
    /// vectors already prepared as its input.</summary>
    public PretrainedBackbone? Backbone { get; set; }

    /// <summary>How much of the <see cref="Backbone"/> trains with the embedding head. Default
    /// <see cref="TransferMode.FrozenBackbone"/>: each photo's pooled features are computed once and cached (no
    /// augmentation then), and the head trains on them in seconds.</summary>
    public TransferMode BackboneMode { get; set; } = TransferMode.FrozenBackbone;

    /// <summary>Backbone blocks that train in <see cref="TransferMode.FineTuneLastBlocks"/>, counted from the end
    /// (ResNets have 5: stem, layer1..layer4); only that mode takes it. Default null: 1.</summary>
    public int? FineTuneBlocks { get; set; }

    /// <summary>The backbone's learning rate as a share of the head's when it trains. Default 0.1.</summary>
    public double BackboneLearningRateFactor { get; set; } = 0.1;

    /// <summary>Augmentation of training photos when the backbone trains (random resized crop, horizontal flip); null
    /// turns it off. A frozen backbone's cached features are never augmented. Default
    /// <see cref="ImageAugmentation.Default"/>.</summary>
    public ImageAugmentation? Augmentation { get; set; } = ImageAugmentation.Default;

    /// <summary>Leave unreadable photo files out of training (logged) instead of failing before the first step.
    /// Default false.</summary>
    public bool SkipUnreadableImages { get; set; }

    /// <summary>Threads decoding photos during training. Default null: a quarter of the cores, at least one.</summary>
    public int? DecoderThreads { get; set; }

    /// <summary>Size of the embedding (the network's last linear layer); with an <see cref="EmbeddingSource"/> other
    /// than <see cref="PhotoEmbeddingSource.Head"/>, the size of the head that trains only (the embedding then has the
    /// backbone's width, or twice it). Default 256.</summary>
    public int EmbeddingSize { get; set; } = 256;

    /// <summary>Photos: what the fitted model embeds with. The head learns what separates the training classes and
    /// throws away what tells others apart; the backbone's features beneath it keep more, and the untrained features
    /// beside them keep what training did not touch. On unseen classes (CUB-100's 50 held-out species, last block
    /// fine-tuned, seed 0) P@1 / MAP@R: <see cref="PhotoEmbeddingSource.Head"/> 0.751 / 0.302,
    /// <see cref="PhotoEmbeddingSource.Backbone"/> 0.780 / 0.326, <see cref="PhotoEmbeddingSource.BackboneAndPretrained"/>
    /// 0.791 / 0.331. Anything but the head needs <see cref="NormalizeEmbedding"/> and a backbone that trains (not
    /// <see cref="TransferMode.FrozenBackbone"/>). Default <see cref="PhotoEmbeddingSource.Head"/>.</summary>
    public PhotoEmbeddingSource EmbeddingSource { get; set; }

    /// <summary>Batch normalisation of the embedding layer's output (before the activation and the L2
    /// normalisation). Default false.</summary>
    public bool EmbeddingBatchNorm { get; set; }

    /// <summary>Activation applied to the embedding layer's output. Default null (linear).</summary>
    public Activation? EmbeddingActivation { get; set; }

    /// <summary>Scale every embedding to unit L2 norm (inside the network, so training sees it too). Default true.</summary>
    public bool NormalizeEmbedding { get; set; } = true;

    /// <summary>The loss. Default <see cref="TripletLossKind.Margin"/>.</summary>
    public TripletLossKind Loss { get; set; } = TripletLossKind.Margin;

    /// <summary>Which triplets of a batch the triplet losses (<see cref="TripletLossKind.Margin"/>,
    /// <see cref="TripletLossKind.SoftmaxRatio"/>) use. Default null: <see cref="TripletMining.SemiHard"/> for them; the
    /// other losses choose their own pairs, and take no mining.</summary>
    public TripletMining? Mining { get; set; }

    /// <summary>How batches are drawn. Default null: <see cref="TripletSampling.ClassBalanced"/> for photos (a
    /// shuffled batch of a few photos from many classes holds few positive pairs), <see cref="TripletSampling.Shuffled"/>
    /// for vectors (the TF-Addons recipe).</summary>
    public TripletSampling? Sampling { get; set; }

    /// <summary>Distance between embeddings in the loss and the miners: <see cref="DistanceMetric.Euclidean"/>,
    /// <see cref="DistanceMetric.SquaredEuclidean"/>, <see cref="DistanceMetric.Manhattan"/> or
    /// <see cref="DistanceMetric.Cosine"/>. Default null: <see cref="DistanceMetric.Cosine"/> for
    /// <see cref="TripletLossKind.MultiSimilarity"/> and <see cref="TripletLossKind.ProxyAnchor"/> (defined on cosine
    /// similarity, the only distance they take), <see cref="DistanceMetric.Euclidean"/> for the others.</summary>
    public DistanceMetric? Distance { get; set; }

    /// <summary>Margin of <see cref="TripletLossKind.Margin"/>. Default 1.0.</summary>
    public double Margin { get; set; } = 1.0;

    /// <summary>How per-triplet (or, for <see cref="TripletLossKind.Contrastive"/>, per-pair) losses are averaged.
    /// Default null: <see cref="TripletReduction.MeanOfPositive"/> for <see cref="TripletMining.BatchAll"/> and
    /// <see cref="TripletLossKind.Contrastive"/>, <see cref="TripletReduction.Mean"/> otherwise; the multi-similarity
    /// and Proxy Anchor losses average as their papers do and take none.</summary>
    public TripletReduction? Reduction { get; set; }

    /// <summary>Parameters of <see cref="TripletLossKind.Contrastive"/>. Default: positive margin 0, negative margin 1
    /// (0.5 on cosine distances), pytorch-metric-learning's.</summary>
    public ContrastiveLossOptions Contrastive { get; set; } = new();

    /// <summary>Parameters of <see cref="TripletLossKind.MultiSimilarity"/>. Default: α 2, β 50, base 0.5, ε 0.1.</summary>
    public MultiSimilarityLossOptions MultiSimilarity { get; set; } = new();

    /// <summary>Parameters of <see cref="TripletLossKind.ProxyAnchor"/>. Default: α 32, δ 0.1, proxies at 100 times the
    /// learning rate.</summary>
    public ProxyAnchorLossOptions ProxyAnchor { get; set; } = new();

    /// <summary>Training batches per epoch for <see cref="TripletSampling.RandomTriplets"/> and
    /// <see cref="TripletSampling.ClassBalanced"/>. Default null: training rows / batch size (triplets or P x K), at
    /// least 1; validation always uses that default. (<see cref="TripletSampling.Shuffled"/> covers every row once.)</summary>
    public int? StepsPerEpoch { get; set; }

    /// <summary>P of <see cref="TripletSampling.ClassBalanced"/> batches. Default 8.</summary>
    public int ClassesPerBatch { get; set; } = 8;

    /// <summary>K of <see cref="TripletSampling.ClassBalanced"/> batches (rows per class, at least 2). Default 4.</summary>
    public int SamplesPerClass { get; set; } = 4;

    /// <summary>Whether <see cref="Loss"/> scores triplets (picked by <see cref="Mining"/>).</summary>
    internal bool IsTripletLoss => Loss is TripletLossKind.Margin or TripletLossKind.SoftmaxRatio;

    /// <summary>Whether <see cref="Loss"/> is defined on cosine similarity alone.</summary>
    private bool IsCosineLoss => Loss is TripletLossKind.MultiSimilarity or TripletLossKind.ProxyAnchor;

    internal TripletMining EffectiveMining => Mining ?? TripletMining.SemiHard;

    internal DistanceMetric EffectiveDistance => Distance ?? (IsCosineLoss ? DistanceMetric.Cosine : DistanceMetric.Euclidean);

    internal TripletReduction EffectiveReduction => Reduction
        ?? (Loss == TripletLossKind.Contrastive || (IsTripletLoss && EffectiveMining == TripletMining.BatchAll)
            ? TripletReduction.MeanOfPositive : TripletReduction.Mean);

    /// <summary>The sampling of photos or vectors: <see cref="Sampling"/>, or its default for them.</summary>
    internal TripletSampling EffectiveSampling(bool photos) =>
        Sampling ?? (photos ? TripletSampling.ClassBalanced : TripletSampling.Shuffled);

    /// <summary>Rows per training batch: triplets x 3, P x K, or the batch size.</summary>
    internal int RowsPerBatch(TripletSampling sampling) => sampling switch
    {
        TripletSampling.RandomTriplets => 3 * BatchSize,
        TripletSampling.ClassBalanced => ClassesPerBatch * SamplesPerClass,
        _ => BatchSize,
    };

    /// <summary>The backbone options, as the training steps shared with transfer learning take them.</summary>
    internal BackboneTraining BackboneTraining => new(Backbone, BackboneMode, nameof(BackboneMode), FineTuneBlocks,
        BackboneLearningRateFactor, Augmentation, SkipUnreadableImages, DecoderThreads);

    internal override void Validate()
    {
        base.Validate();
        var check = OptionChecks.For(this);
        check.ColumnName(LabelColumnName, nameof(LabelColumnName));
        check.ColumnName(FeatureColumnName, nameof(FeatureColumnName));
        check.ColumnName(OutputColumnName, nameof(OutputColumnName));
        ImageShape?.Validate(check, nameof(ImageShape));
        check.Compatible(Architecture is null || Mlp is null, nameof(Mlp), OptionChecks.Set, nameof(Architecture), OptionChecks.Set,
            "one of them: Architecture (a CNN for images) or Mlp (plain vectors)");
        check.Compatible(Backbone is null || (Architecture is null && Mlp is null), nameof(Backbone), OptionChecks.Set,
            Architecture is null ? nameof(Mlp) : nameof(Architecture), OptionChecks.Set,
            "one network: Backbone (pretrained, for photos), Architecture (a CNN) or Mlp (plain vectors)");
        BackboneTraining.Validate(check, BatchSize);
        Architecture?.Validate(check.Inside(nameof(Architecture)));
        Mlp?.Validate(check.Inside(nameof(Mlp)));
        check.Accepts(EmbeddingSize >= 1, nameof(EmbeddingSize), EmbeddingSize, "at least 1");
        check.Defined(EmbeddingSource, nameof(EmbeddingSource));
        bool fromBackbone = EmbeddingSource != PhotoEmbeddingSource.Head;
        check.Compatible(!fromBackbone || NormalizeEmbedding, nameof(EmbeddingSource), EmbeddingSource,
            nameof(NormalizeEmbedding), NormalizeEmbedding, "Head, or NormalizeEmbedding true: training compares unit vectors, and so must the search");
        check.Compatible(!fromBackbone || BackboneMode != TransferMode.FrozenBackbone, nameof(EmbeddingSource),
            EmbeddingSource, nameof(BackboneMode), BackboneMode,
            "Head: a frozen backbone does not train, so its features would be the untrained ones; fine-tune it (FineTuneLastBlocks, FineTuneAll) or embed with the head");
        if (EmbeddingActivation is { } activation)
            check.Defined(activation, nameof(EmbeddingActivation));
        check.Defined(Loss, nameof(Loss));
        if (Mining is { } mining)
            check.Defined(mining, nameof(Mining));
        if (Sampling is { } sampling)
            check.Defined(sampling, nameof(Sampling));
        if (Distance is { } distance)
            check.OneOf(distance, nameof(Distance), DistanceMetric.Euclidean, DistanceMetric.SquaredEuclidean,
                DistanceMetric.Manhattan, DistanceMetric.Cosine);
        if (Reduction is { } reduction)
            check.Defined(reduction, nameof(Reduction));
        check.Accepts(Margin >= 0 && double.IsFinite(Margin), nameof(Margin), Margin, "zero or a positive number");
        check.Required(Contrastive, nameof(Contrastive), "the contrastive loss's parameters").Validate(check.Inside(nameof(Contrastive)));
        check.Required(MultiSimilarity, nameof(MultiSimilarity), "the multi-similarity loss's parameters")
            .Validate(check.Inside(nameof(MultiSimilarity)));
        check.Required(ProxyAnchor, nameof(ProxyAnchor), "the Proxy Anchor loss's parameters").Validate(check.Inside(nameof(ProxyAnchor)));
        check.Compatible(Mining is null || IsTripletLoss, nameof(Mining), Mining, nameof(Loss), Loss,
            "null: Mining picks triplets for the Margin and SoftmaxRatio losses, while Contrastive uses every pair of the batch, MultiSimilarity mines its own pairs and ProxyAnchor compares rows with proxies");
        check.Compatible(Distance is null or DistanceMetric.Cosine || !IsCosineLoss, nameof(Distance), Distance, nameof(Loss), Loss,
            "null or Cosine: the multi-similarity and Proxy Anchor losses are defined on cosine similarity");
        check.Compatible(Reduction is null || !IsCosineLoss, nameof(Reduction), Reduction, nameof(Loss), Loss,
            "null: the multi-similarity and Proxy Anchor losses average as their papers do");
        check.Accepts(StepsPerEpoch is null or >= 1, nameof(StepsPerEpoch), StepsPerEpoch, "null (one pass) or at least 1");
        check.Accepts(ClassesPerBatch >= 2, nameof(ClassesPerBatch), ClassesPerBatch, "at least 2 (negatives come from other classes)");
        check.Accepts(SamplesPerClass >= 2, nameof(SamplesPerClass), SamplesPerClass, "at least 2 (positives come from the same class)");
        bool needsPairs = IsTripletLoss ? EffectiveMining != TripletMining.None : Loss != TripletLossKind.ProxyAnchor;
        check.Compatible(!needsPairs || Sampling is TripletSampling.ClassBalanced or TripletSampling.RandomTriplets || BatchSize >= 2,
            nameof(BatchSize), BatchSize, IsTripletLoss ? nameof(Mining) : nameof(Loss), IsTripletLoss ? EffectiveMining : Loss,
            "at least 2 rows per batch for mining (a batch needs a positive pair)");
        check.Compatible(!IsTripletLoss || EffectiveMining != TripletMining.None || Sampling == TripletSampling.RandomTriplets,
            nameof(Mining), Mining, nameof(Sampling), Sampling,
            "a Mining (SemiHard, BatchHard or BatchAll) for batches the sampler does not build as triplets; Mining None needs Sampling RandomTriplets");
        check.Accepts(EarlyStoppingMetric != EarlyStoppingMetric.ValidationAccuracy, nameof(EarlyStoppingMetric),
            EarlyStoppingMetric, "ValidationLoss (an embedding has no accuracy to watch)");
    }
}
