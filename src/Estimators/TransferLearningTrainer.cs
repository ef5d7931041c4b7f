using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetTriplet.Backbones;
using MlNetTriplet.Batches;
using MlNetTriplet.Data;
using MlNetTriplet.Images;
using MlNetTriplet.Networks;
using MlNetTriplet.Training;
using MlNetTriplet.Transforms;
using TorchSharp;
using static TorchSharp.torch;
using MlNetTriplet.Checks;

namespace MlNetTriplet;

/// <summary>How much of a pretrained backbone a <see cref="TransferLearningTrainer"/> trains.</summary>
public enum TransferMode
{
    /// <summary>The backbone stays as it is: its pooled features are computed once per photo (no augmentation, since
    /// they are cached) and only the new head trains, for many epochs in seconds.</summary>
    FrozenBackbone,
    /// <summary>The last <see cref="TransferLearningTrainer.Options.FineTuneBlocks"/> blocks of the backbone train
    /// with the head; the earlier blocks stay frozen, their batch-norm statistics fixed.</summary>
    FineTuneLastBlocks,
    /// <summary>Every layer trains, the backbone at <see cref="TransferLearningTrainer.Options.BackboneLearningRateFactor"/>
    /// times the head's learning rate.</summary>
    FineTuneAll,
}

/// <summary>Trains an image classifier on top of a pretrained backbone (transfer learning), offline and in one ML.NET
/// pipeline: photos stream from disk (decoded, resized and cropped as torchvision evaluates them, augmented when
/// fine-tuning), the head is global average pooling, dropout and one dense layer, and the fitted
/// <see cref="TransferLearningTransformer"/> adds <c>Score</c> and <c>PredictedLabel</c>. Create it with
/// <c>mlContext.MulticlassClassification.Trainers.TransferLearning(...)</c>.</summary>
public sealed class TransferLearningTrainer : NetworkEstimator<TransferLearningTrainer.Options, TransferLearningTransformer>
{
    /// <summary>Options of <see cref="TransferLearningTrainer"/>. Besides the training engine's options (whose
    /// defaults here are Adam 0.001 with a cosine decay, batches of 32, 10 epochs, inference batches of 64), the
    /// backbone, the mode and how photos are read.</summary>
    public sealed class Options : NetworkTrainingOptions
    {
        /// <summary>Batches of 32 photos (a fine-tuning step's activations grow with the batch), inference batches
        /// of 64, and a <see cref="LearningRateSchedule.Cosine"/> schedule: fine-tuning a pretrained network on a few
        /// hundred augmented photos ends noisy at a constant rate (ants vs bees, FineTuneAll 10 epochs, seeds 0-2:
        /// 0.948, 0.922, 0.922 constant; 0.954, 0.935, 0.948 cosine). Every other engine default as documented there.</summary>
        public Options()
        {
            BatchSize = 32;
            InferenceBatchSize = 64;
            LearningRateSchedule = LearningRateSchedule.Cosine;
        }

        /// <summary>Key-typed label column. Default <c>"Label"</c>.</summary>
        public string LabelColumnName { get; set; } = DefaultColumnNames.Label;

        /// <summary>The photos: a Text column of file paths (as <c>mlContext.Data.LoadFromImageFolder</c> gives), an
        /// Image column from <c>mlContext.Transforms.LoadImages</c>, or a <c>Vector&lt;Single&gt;</c> already prepared
        /// as 3 x <see cref="PretrainedBackbone.ImageSize"/> x <see cref="PretrainedBackbone.ImageSize"/> RGB in [0, 1].
        /// Default <c>"ImagePath"</c>.</summary>
        public string ImageColumnName { get; set; } = "ImagePath";

        /// <summary>The pretrained network. Default null: <see cref="PretrainedBackbone.ResNet18ImageNet(string?, string?)"/>,
        /// the ImageNet ResNet-18 of the <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> package (add that package to
        /// the application).</summary>
        public PretrainedBackbone? Backbone { get; set; }

        /// <summary>What trains. Default <see cref="TransferMode.FrozenBackbone"/>.</summary>
        public TransferMode Mode { get; set; } = TransferMode.FrozenBackbone;

        /// <summary>Backbone blocks that train in <see cref="TransferMode.FineTuneLastBlocks"/>, counted from the end
        /// (ResNets have 5: stem, layer1..layer4); only that mode takes it. Default null: 1.</summary>
        public int? FineTuneBlocks { get; set; }

        /// <summary>The backbone's learning rate as a share of the head's when it trains: pretrained weights need
        /// small steps. Default 0.1.</summary>
        public double BackboneLearningRateFactor { get; set; } = 0.1;

        /// <summary>Dropout between the pooled features and the dense layer. Default 0.2.</summary>
        public float HeadDropout { get; set; } = 0.2f;

        /// <summary>Training augmentation when the backbone trains (random resized crop, horizontal flip); null turns
        /// it off. Frozen backbones cache one feature vector per photo, so they are never augmented. Default
        /// <see cref="ImageAugmentation.Default"/>.</summary>
        public ImageAugmentation? Augmentation { get; set; } = ImageAugmentation.Default;

        /// <summary>Leave unreadable photo files out of training (counted in the log and in
        /// <see cref="TransferLearningTransformer.SkippedImageCount"/>) instead of failing before the first step.
        /// Default false.</summary>
        public bool SkipUnreadableImages { get; set; }

        /// <summary>When set, the transformer also adds this column: the backbone's pooled features
        /// (<c>Vector&lt;Single&gt;</c>), an embedding for retrieval or UMAP. Default null (not added).</summary>
        public string? FeaturesColumnName { get; set; }

        /// <summary>Threads decoding photos during training. Default null: a quarter of the cores, at least one
        /// (libtorch trains on the rest).</summary>
        public int? DecoderThreads { get; set; }

        /// <summary>The backbone options, as the training steps shared with photo embeddings take them.</summary>
        internal BackboneTraining BackboneTraining => new(Backbone, Mode, nameof(Mode), FineTuneBlocks,
            BackboneLearningRateFactor, Augmentation, SkipUnreadableImages, DecoderThreads);

        internal override void Validate()
        {
            base.Validate();
            var check = OptionChecks.For(this);
            check.ColumnName(LabelColumnName, nameof(LabelColumnName));
            check.ColumnName(ImageColumnName, nameof(ImageColumnName));
            check.ColumnName(FeaturesColumnName, nameof(FeaturesColumnName), optional: true);
            check.DistinctColumns([(nameof(FeaturesColumnName), FeaturesColumnName)], DefaultColumnNames.Score,
                DefaultColumnNames.PredictedLabel);
            check.Accepts(HeadDropout is >= 0 and < 1, nameof(HeadDropout), HeadDropout, "a number in [0, 1)");
            BackboneTraining.Validate(check, BatchSize);
        }
    }

    internal TransferLearningTrainer(IHostEnvironment env, Options options) : base(env, options, nameof(TransferLearningTrainer))
    {
    }

    private protected override TransferLearningTransformer Fit(IDataView trainData, IDataView? validationData,
        Device device, int seed)
    {
        var o = TrainerOptions;
        var settings = o.BackboneTraining;
        var backbone = settings.Resolve();
        var geometry = backbone.Spec.Geometry;
        var (classCount, labelValues) = CheckSchema(trainData.Schema, geometry);
        if (validationData is not null)
        {
            int validClasses = CheckSchema(validationData.Schema, geometry).ClassCount;
            if (validClasses != classCount)
                throw new ArgumentOutOfRangeException(nameof(validationData),
                    $"Validation data must match the training data: label column '{o.LabelColumnName}' has {validClasses} classes vs {classCount}.");
            ClassLabels.CheckSameKeys(trainData.Schema[o.LabelColumnName], validationData.Schema[o.LabelColumnName]);
        }
        var names = labelValues?.AsText();
        var columns = new PhotoColumns(o.ImageColumnName, o.LabelColumnName, classCount,
            k => names is null ? $"key {k + 1}" : $"'{names[k]}'");

        bool frozen = settings.Frozen;
        using var data = PhotoTrainingData.Create(trainData, validationData, columns, geometry, settings.TrainingAugmentation,
            (frozen ? PhotoOrder.InOrder : PhotoOrder.Shuffle, PhotoOrder.InOrder),
            new PhotoBatching(o.BatchSize, o.InferenceBatchSize, o.ValidationFraction, device, o.CancellationToken),
            settings.Stream, seed);
        using var notes = StartLog("Transfer learning");

        manual_seed(seed);
        var network = new TransferNetwork(BackboneModule.Load(backbone), classCount, o.HeadDropout);
        try
        {
            network.to(device);
            var parts = frozen ? null : settings.Parts(network, OptionChecks.For(o));
            settings.Report(notes, data, backbone.Spec, classCount);
            var history = frozen ? TrainHead(network, data, device, seed, notes) : FineTune(network, data, parts!, seed);
            var description = new TransferLearningTransformer.Description(o.ImageColumnName, backbone.Spec, classCount,
                o.HeadDropout, o.Mode, o.FeaturesColumnName, data.Skipped.Count, o.InferenceBatchSize, o.Device, history);
            return new TransferLearningTransformer(description, labelValues, network);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>The input schema plus <c>Score</c>, <c>PredictedLabel</c> and the features column when asked; checks
    /// the image and label columns.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var o = TrainerOptions;
        var image = SchemaChecks.FindColumn(inputSchema, o.ImageColumnName, "image");
        ImageColumn.Check(image, new ImageShape(3, 224, 224), "image");
        var label = SchemaChecks.FindColumn(inputSchema, o.LabelColumnName, "label");
        SchemaChecks.CheckKeyLabel(label);
        var columns = inputSchema.ToDictionary(c => c.Name);
        ClassifierOutputs.AddMulticlassShape(columns, label);
        if (o.FeaturesColumnName is { } features)
            columns[features] = new SchemaShape.Column(features, SchemaShape.Column.VectorKind.Vector,
                NumberDataViewType.Single, false);
        return new SchemaShape(columns.Values);
    }

    private TrainingHistory FineTune(TransferNetwork network, PhotoTrainingData data, TrainableParts parts, int seed)
    {
        using var log = StartLog();
        return new NetworkTrainer(TrainerOptions, log, seed).Fit(network, data.Train, data.Validation,
            new CrossEntropyObjective(), parts);
    }

    /// <summary>Frozen backbone: one pass computes every photo's pooled features, then the head trains on them as any
    /// small network does.</summary>
    private TrainingHistory TrainHead(TransferNetwork network, PhotoTrainingData data, Device device, int seed,
        ITrainingLog notes)
    {
        var o = TrainerOptions;
        using var train = new BatchSource(BackboneTraining.CacheFeatures(network, data.Train, device, o, notes),
            BatchPlan.Shuffled(data.TrainRows, o.BatchSize, seed));
        using var valid = data.Validation is null ? null
            : new BatchSource(BackboneTraining.CacheFeatures(network, data.Validation, device, o, notes),
                BatchPlan.Sequential(data.ValidationRows, o.InferenceBatchSize));
        using var log = StartLog();
        return new NetworkTrainer(o, log, seed).Fit(network.Head, train, valid, new CrossEntropyObjective());
    }

    private (int ClassCount, KeyValues? LabelValues) CheckSchema(DataViewSchema schema, ImageGeometry geometry)
    {
        var o = TrainerOptions;
        ImageColumn.Check(SchemaChecks.FindColumn(schema, o.ImageColumnName, "image"), geometry.Shape, "image");
        var label = SchemaChecks.FindColumn(schema, o.LabelColumnName, "label");
        return (SchemaChecks.CheckKeyLabel(label), KeyValues.FromColumn(label));
    }
}
