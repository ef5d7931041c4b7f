using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Image;
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

/// <summary>Trains a convolutional network that classifies images into the classes of a key-typed label: images held in
/// a <c>Vector&lt;Single&gt;</c> column (C x H x W, e.g. from <c>LoadFromIdx</c> or ImageAnalytics' <c>ExtractPixels</c>),
/// or photos streamed from disk a batch at a time (paths, or LoadImages' output), optionally augmented. Create it with
/// <c>mlContext.MulticlassClassification.Trainers.Cnn(...)</c>.</summary>
public sealed class CnnClassifierTrainer : NetworkEstimator<CnnClassifierTrainer.Options, CnnClassifierTransformer>
{
    /// <summary>Options of <see cref="CnnClassifierTrainer"/>; the defaults train the zalando Fashion-MNIST baseline.</summary>
    public sealed class Options : NetworkTrainingOptions
    {
        /// <summary>Key-typed label column. Default <c>"Label"</c>.</summary>
        public string LabelColumnName { get; set; } = DefaultColumnNames.Label;

        /// <summary>The images: a <c>Vector&lt;Single&gt;</c> column holding each as C x H x W, or photos streamed from
        /// disk (a Text column of file paths, or LoadImages' Image column; set <see cref="ImageShape"/>). Default
        /// <c>"Features"</c>.</summary>
        public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

        /// <summary>Shape of one image. Default null: read from the column's annotation (set by <c>LoadFromIdx</c>);
        /// give it for other sources such as <c>ExtractPixels</c>, and for photos (each photo's shorter side is
        /// resized to the larger of height and width, then the centre cropped).</summary>
        public ImageShape? ImageShape { get; set; }

        /// <summary>The network. Default: two conv blocks (32, 64 filters) and a dense head of 128 with dropout 0.25.</summary>
        public CnnArchitecture Architecture { get; set; } = new();

        /// <summary>Random resized crops and flips of the training photos, when the feature column holds photos (file
        /// paths, or images from <c>LoadImages</c>); evaluation and inference never augment. Default null (off).</summary>
        public ImageAugmentation? Augmentation { get; set; }

        /// <summary>With a photo column, leave unreadable photo files out of training (counted in the log) instead of
        /// failing before the first step. Default false.</summary>
        public bool SkipUnreadableImages { get; set; }

        internal override void Validate()
        {
            base.Validate();
            var check = OptionChecks.For(this);
            check.ColumnName(LabelColumnName, nameof(LabelColumnName));
            check.ColumnName(FeatureColumnName, nameof(FeatureColumnName));
            ImageShape?.Validate(check, nameof(ImageShape));
            check.Required(Architecture, nameof(Architecture), "a CnnArchitecture").Validate(check.Inside(nameof(Architecture)));
            Augmentation?.Validate(check.Inside(nameof(Augmentation)));
        }
    }

    internal CnnClassifierTrainer(IHostEnvironment env, Options options) : base(env, options, nameof(CnnClassifierTrainer))
    {
    }

    private protected override CnnClassifierTransformer Fit(IDataView trainData, IDataView? validationData, Device device,
        int seed)
    {
        var (shape, classCount, labelValues, photos) = CheckSchema(trainData.Schema);
        if (validationData is not null)
        {
            var (validShape, validClasses, _, validPhotos) = CheckSchema(validationData.Schema);
            ClassLabels.CheckSameKeys(trainData.Schema[TrainerOptions.LabelColumnName], validationData.Schema[TrainerOptions.LabelColumnName]);
            if (validShape != shape || validClasses != classCount || validPhotos != photos)
                throw new ArgumentOutOfRangeException(nameof(validationData),
                    $"Validation data must match the training data: images {validShape} vs {shape}, {validClasses} vs {classCount} label classes{(validPhotos != photos ? ", photos vs vectors" : "")}.");
        }

        var o = TrainerOptions;
        var names = labelValues?.AsText();
        Func<int, string> className = k => names is null ? $"key {k + 1}" : $"'{names[k]}'";
        manual_seed(seed);
        var network = new CnnModule(o.Architecture, shape, classCount);
        try
        {
            network.to(device);
            var history = photos
                ? TrainOnPhotos(network, trainData, validationData, new PhotoColumns(o.FeatureColumnName, o.LabelColumnName,
                    classCount, className), shape, device, seed)
                : TrainOnVectors(network, trainData, validationData, shape, classCount, className, device, seed);
            var description = new CnnClassifierTransformer.Description(o.FeatureColumnName, shape, o.Architecture,
                classCount, o.InferenceBatchSize, o.Device, history, photos);
            return new CnnClassifierTransformer(description, labelValues, network);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    private TrainingHistory TrainOnVectors(CnnModule network, IDataView trainData, IDataView? validationData,
        ImageShape shape, int classCount, Func<int, string> className, Device device, int seed)
    {
        var o = TrainerOptions;
        var (train, valid) = LabeledFeatures.ReadForClassifier(trainData, validationData, o.FeatureColumnName,
            o.LabelColumnName, shape.Size, classCount, o.ValidationFraction, seed, className, o.CancellationToken);
        // Past this point only the tensors are used, so the host arrays can be collected during training.
        using var trainSet = BatchSource.InMemory(train, shape.Dims, device, BatchPlan.Shuffled(train.Rows, o.BatchSize, seed));
        using var validSet = valid is null ? null
            : BatchSource.InMemory(valid, shape.Dims, device, BatchPlan.Sequential(valid.Rows, o.InferenceBatchSize));
        using var log = StartLog();
        return new NetworkTrainer(o, log, seed).Fit(network, trainSet, validSet, new CrossEntropyObjective());
    }

    /// <summary>Photos stream from disk (or from <c>LoadImages</c>) a batch at a time, augmented when asked.</summary>
    private TrainingHistory TrainOnPhotos(CnnModule network, IDataView trainData, IDataView? validationData,
        PhotoColumns columns, ImageShape shape, Device device, int seed)
    {
        var o = TrainerOptions;
        var stream = new ImageStreamOptions(o.SkipUnreadableImages, nameof(Options.SkipUnreadableImages));
        using var data = PhotoTrainingData.Create(trainData, validationData, columns,
            CnnClassifierTransformer.PhotoGeometry(shape), o.Augmentation, (PhotoOrder.Shuffle, PhotoOrder.InOrder),
            new PhotoBatching(o.BatchSize, o.InferenceBatchSize, o.ValidationFraction, device, o.CancellationToken), stream, seed);
        using (var photos = StartLog("Photos"))
            foreach (var bad in data.Skipped)
                photos.Warning($"Skipped unreadable photo '{bad.Path}': {bad.Reason}");
        using var log = StartLog();
        return new NetworkTrainer(o, log, seed).Fit(network, data.Train, data.Validation, new CrossEntropyObjective());
    }

    /// <summary>The input schema plus <c>Score</c> and <c>PredictedLabel</c>; checks the feature and label columns.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var features = SchemaChecks.FindColumn(inputSchema, TrainerOptions.FeatureColumnName, "feature");
        if (features.Kind == SchemaShape.Column.VectorKind.Vector)
            SchemaChecks.CheckFloatVector(features, "feature");
        else
            ImageColumn.Check(features, TrainerOptions.ImageShape ?? new ImageShape(3, 1, 1), "feature");
        var label = SchemaChecks.FindColumn(inputSchema, TrainerOptions.LabelColumnName, "label");
        SchemaChecks.CheckKeyLabel(label);
        var columns = inputSchema.ToDictionary(c => c.Name);
        ClassifierOutputs.AddMulticlassShape(columns, label);
        return new SchemaShape(columns.Values);
    }

    /// <summary>The image shape, the label's classes and whether the feature column holds photos (paths or
    /// LoadImages images) rather than prepared vectors.</summary>
    private (ImageShape shape, int classCount, KeyValues? labelValues, bool photos) CheckSchema(DataViewSchema schema)
    {
        var o = TrainerOptions;
        var features = SchemaChecks.FindColumn(schema, o.FeatureColumnName, "feature");
        var label = SchemaChecks.FindColumn(schema, o.LabelColumnName, "label");
        if (features.Type is TextDataViewType or ImageDataViewType)
        {
            var photoShape = o.ImageShape ?? throw new ArgumentOutOfRangeException(nameof(schema),
                $"Feature column '{features.Name}' holds photos ({features.Type}): set Options.ImageShape to the size the network takes, e.g. new ImageShape(3, 64, 64).");
            CnnClassifierTransformer.PhotoGeometry(photoShape).Validate(nameof(Options.ImageShape));
            CnnModule.FeatureShape(o.Architecture, photoShape);
            return (photoShape, SchemaChecks.CheckKeyLabel(label), KeyValues.FromColumn(label), true);
        }
        if (o.Augmentation is not null)
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"Option Augmentation needs photos, but feature column '{features.Name}' holds {features.Type}: give a column of image paths (mlContext.Data.LoadFromImageFolder) or LoadImages' output, or set Augmentation to null.");
        var (shape, classCount, values) = CheckVectorSchema(features, label);
        return (shape, classCount, values, false);
    }

    private (ImageShape shape, int classCount, KeyValues? labelValues) CheckVectorSchema(DataViewSchema.Column features,
        DataViewSchema.Column label)
    {
        int size = SchemaChecks.CheckFloatVector(features, "feature");
        var shape = TrainerOptions.ImageShape ?? ImageShape.FromAnnotations(features)
            ?? throw new ArgumentOutOfRangeException("inputSchema",
                $"The shape of the images in feature column '{features.Name}' (Vector<Single, {size}>) is unknown: set Options.ImageShape, e.g. new ImageShape(3, 224, 224) after ExtractPixels.");
        if (shape.Size != size)
            throw SchemaChecks.Mismatch("feature", features.Name, $"Vector<Single, {shape.Size}> holding {shape} images",
                $"Vector<Single, {size}>");
        return (shape, SchemaChecks.CheckKeyLabel(label), KeyValues.FromColumn(label));
    }
}
