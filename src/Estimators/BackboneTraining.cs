using MlNetTriplet.Backbones;
using MlNetTriplet.Batches;
using MlNetTriplet.Checks;
using MlNetTriplet.Networks;
using MlNetTriplet.Training;
using static TorchSharp.torch;

namespace MlNetTriplet;

/// <summary>How a trainer uses a pretrained backbone, as its options say, and the training steps every such trainer
/// shares (the transfer-learning classifier and the photo embeddings): the checks of those options, which parts train
/// at which learning rate, and the frozen backbone's feature cache.</summary>
/// <param name="Backbone">The weights; null: <see cref="PretrainedBackbone.ResNet18ImageNet(string?, string?)"/>.</param>
/// <param name="Mode">What trains.</param>
/// <param name="ModeOption">The option <paramref name="Mode"/> comes from, named in messages.</param>
/// <param name="FineTuneBlocks">Blocks that train in <see cref="TransferMode.FineTuneLastBlocks"/> (null: 1).</param>
/// <param name="BackboneLearningRateFactor">The backbone's share of the head's learning rate when it trains.</param>
/// <param name="Augmentation">Training augmentation when the backbone trains, or null.</param>
/// <param name="SkipUnreadableImages">Leave unreadable photo files out instead of failing.</param>
/// <param name="DecoderThreads">Threads decoding photos while training; null: <c>ImageWorkers.DuringTraining</c>.</param>
internal sealed record BackboneTraining(PretrainedBackbone? Backbone, TransferMode Mode, string ModeOption, int? FineTuneBlocks,
    double BackboneLearningRateFactor, ImageAugmentation? Augmentation, bool SkipUnreadableImages, int? DecoderThreads)
{
    public bool Frozen => Mode == TransferMode.FrozenBackbone;

    /// <summary>The backbone to load (the default's files are located now: a missing package fails here).</summary>
    public PretrainedBackbone Resolve() => Backbone ?? PretrainedBackbone.ResNet18ImageNet();

    /// <summary>Augmentation only when the backbone trains: cached features are computed once per photo.</summary>
    public ImageAugmentation? TrainingAugmentation => Frozen ? null : Augmentation;

    public ImageStreamOptions Stream => new(SkipUnreadableImages, nameof(SkipUnreadableImages), DecoderThreads);

    /// <summary>The checks of these options, on the options object <paramref name="check"/> names.</summary>
    public void Validate(OptionChecks check, int batchSize)
    {
        check.Defined(Mode, ModeOption);
        check.Accepts(FineTuneBlocks is null or >= 1, nameof(FineTuneBlocks), FineTuneBlocks, "null (1) or at least 1");
        check.Compatible(FineTuneBlocks is null || Mode == TransferMode.FineTuneLastBlocks, nameof(FineTuneBlocks),
            FineTuneBlocks, ModeOption, Mode, "null unless " + ModeOption + " is FineTuneLastBlocks (the only mode that uses it)");
        check.Accepts(BackboneLearningRateFactor is > 0 and <= 1, nameof(BackboneLearningRateFactor),
            BackboneLearningRateFactor, "a number in (0, 1]");
        check.Accepts(DecoderThreads is null or >= 1, nameof(DecoderThreads), DecoderThreads, "null (a quarter of the cores) or at least 1");
        check.Compatible(batchSize >= 2 || Frozen, nameof(NetworkTrainingOptions.BatchSize), batchSize, ModeOption, Mode,
            "at least 2 when the backbone trains (batch norm)");
        Augmentation?.Validate(check.Inside(nameof(Augmentation)));
    }

    /// <summary>Fine-tuning: the head at the full learning rate, the backbone blocks the mode trains at the backbone's
    /// factor; the other blocks frozen.</summary>
    public TrainableParts Parts(TransferNetwork network, OptionChecks check)
    {
        var backbone = network.Backbone;
        int blocks = backbone.BlockNames.Count;
        int tuned = FineTuneBlocks ?? 1;
        if (Mode == TransferMode.FineTuneLastBlocks)
            check.Accepts(tuned <= blocks, nameof(FineTuneBlocks), tuned,
                $"at most {blocks}, the blocks of backbone '{backbone.Spec.Name}' ({string.Join(", ", backbone.BlockNames)}); FineTuneAll trains them all");
        int firstTrained = FirstTrainedBlock(blocks);
        var trained = Enumerable.Range(firstTrained, blocks - firstTrained)
            .SelectMany(i => backbone.Block(i).parameters()).ToList();
        var frozen = Enumerable.Range(0, firstTrained).Select(backbone.Block).ToList();
        return new TrainableParts(
            [new ParameterGroup(network.Head.parameters().ToList(), 1),
             new ParameterGroup(trained, BackboneLearningRateFactor)], frozen);
    }

    /// <summary>The first of a backbone's <paramref name="blocks"/> blocks that trains when the backbone is not frozen
    /// (the blocks before it keep their pretrained weights).</summary>
    public int FirstTrainedBlock(int blocks) => Mode == TransferMode.FineTuneAll ? 0 : blocks - (FineTuneBlocks ?? 1);

    /// <summary>Frozen backbone: every photo's pooled features, computed once (the slow part, reported as
    /// <see cref="TrainingPhase.Preparing"/>) and held on <paramref name="device"/> with the labels, for the head to train on.</summary>
    public static TensorRows CacheFeatures(TransferNetwork network, BatchSource photos, Device device,
        NetworkTrainingOptions options, ITrainingLog notes)
    {
        if (options.TuneNativeAllocator)
            NativeAllocator.KeepBuffersInHeap();
        var progress = new ProgressReporter(options.ProgressCallback, notes, TrainingPhase.Preparing, 0,
            options.NumberOfEpochs, photos.StepsPerEpoch);
        return FrozenFeatures.Compute(photos, network, network.PooledFeatures, device,
            (step, rows) => progress.Step(step, rows, null), options.CancellationToken);
    }

    /// <summary>Logs the skipped photos and one line on what trains.</summary>
    public void Report(HostTrainingLog notes, PhotoTrainingData data, BackboneSpec backbone, int classCount)
    {
        foreach (var bad in data.Skipped)
            notes.Warning($"Skipped unreadable photo '{bad.Path}': {bad.Reason}");
        notes.Info($"{backbone.Name}: {data.TrainRows} training photos, {data.ValidationRows} validation photos, {classCount} classes, {Mode}.");
    }
}
