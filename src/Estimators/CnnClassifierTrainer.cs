using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetTriplet.Data;
using MlNetTriplet.Networks;
using MlNetTriplet.Persistence;
using MlNetTriplet.Training;
using MlNetTriplet.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet;

/// <summary>Trains a convolutional network that classifies images held in a <c>Vector&lt;Single&gt;</c> column
/// (C x H x W, e.g. from <c>LoadFromIdx</c> or ImageAnalytics' <c>ExtractPixels</c>) into the classes of a key-typed
/// label. Create it with <c>mlContext.MulticlassClassification.Trainers.Cnn(...)</c>.</summary>
public sealed class CnnClassifierTrainer : NetworkEstimator<CnnClassifierTrainer.Options, CnnClassifierTransformer>
{
    /// <summary>Options of <see cref="CnnClassifierTrainer"/>; the defaults train the zalando Fashion-MNIST baseline.</summary>
    public sealed class Options : NetworkTrainingOptions
    {
        /// <summary>Key-typed label column. Default <c>"Label"</c>.</summary>
        public string LabelColumnName { get; set; } = DefaultColumnNames.Label;

        /// <summary><c>Vector&lt;Single&gt;</c> column holding each image as C x H x W. Default <c>"Features"</c>.</summary>
        public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

        /// <summary>Shape of one image. Default null: read from the column's annotation (set by <c>LoadFromIdx</c>);
        /// give it for other sources such as <c>ExtractPixels</c>.</summary>
        public ImageShape? ImageShape { get; set; }

        /// <summary>The network. Default: two conv blocks (32, 64 filters) and a dense head of 128 with dropout 0.25.</summary>
        public CnnArchitecture Architecture { get; set; } = new();

        internal override void Validate()
        {
            base.Validate();
            if (string.IsNullOrWhiteSpace(LabelColumnName))
                throw new ArgumentException("LabelColumnName must name a column.", nameof(LabelColumnName));
            if (string.IsNullOrWhiteSpace(FeatureColumnName))
                throw new ArgumentException("FeatureColumnName must name a column.", nameof(FeatureColumnName));
            ImageShape?.Validate(nameof(ImageShape));
            (Architecture ?? throw new ArgumentNullException(nameof(Architecture))).Validate();
        }
    }

    internal CnnClassifierTrainer(IHostEnvironment env, Options options) : base(env, options, nameof(CnnClassifierTrainer))
    {
    }

    private protected override CnnClassifierTransformer Fit(IDataView trainData, IDataView? validationData, Device device,
        int seed)
    {
        var (shape, classCount, labelValues) = CheckSchema(trainData.Schema);
        if (validationData is not null)
        {
            var (validShape, validClasses, _) = CheckSchema(validationData.Schema);
            if (validShape != shape || validClasses != classCount)
                throw new ArgumentOutOfRangeException(nameof(validationData),
                    $"Validation data must match the training data: images {validShape} vs {shape}, {validClasses} vs {classCount} label classes.");
        }

        var o = TrainerOptions;
        var names = labelValues?.AsText();
        var (train, valid) = LabeledFeatures.ReadForClassifier(trainData, validationData, o.FeatureColumnName,
            o.LabelColumnName, shape.Size, classCount, o.ValidationFraction, seed,
            k => names is null ? $"key {k + 1}" : $"'{names[k]}'", o.CancellationToken);

        manual_seed(seed);
        var network = new CnnModule(o.Architecture, shape, classCount);
        network.to(device);
        long[] imageDims = [shape.Channels, shape.Height, shape.Width];
        // Past this point only the tensors are used, so the host arrays can be collected during training.
        using var trainSet = TensorDataset.FromArrays(train.Features, [train.Rows, .. imageDims], train.Labels, device);
        using var validSet = valid is null ? null
            : TensorDataset.FromArrays(valid.Features, [valid.Rows, .. imageDims], valid.Labels, device);
        var history = new NetworkTrainer(o, Host, seed).Fit(network, trainSet, validSet,
            new ShuffledBatchSampler(trainSet.Count, o.BatchSize, seed), new CrossEntropyObjective());

        var description = new CnnClassifierTransformer.Description(o.FeatureColumnName, shape, o.Architecture,
            classCount, o.InferenceBatchSize, o.Device, history);
        return new CnnClassifierTransformer(description, labelValues, network);
    }

    /// <summary>The input schema plus <c>Score</c> and <c>PredictedLabel</c>; checks the feature and label columns.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var features = SchemaChecks.FindColumn(inputSchema, TrainerOptions.FeatureColumnName, "feature");
        SchemaChecks.CheckFloatVector(features, "feature");
        var label = SchemaChecks.FindColumn(inputSchema, TrainerOptions.LabelColumnName, "label");
        SchemaChecks.CheckKeyLabel(label);
        var columns = inputSchema.ToDictionary(c => c.Name);
        ClassifierOutputs.AddMulticlassShape(columns, label);
        return new SchemaShape(columns.Values);
    }

    private (ImageShape shape, int classCount, KeyValues? labelValues) CheckSchema(DataViewSchema schema)
    {
        var features = SchemaChecks.FindColumn(schema, TrainerOptions.FeatureColumnName, "feature");
        int size = SchemaChecks.CheckFloatVector(features, "feature");
        var shape = TrainerOptions.ImageShape ?? ImageShape.FromAnnotations(features)
            ?? throw new ArgumentOutOfRangeException(nameof(schema),
                $"The shape of the images in feature column '{features.Name}' (Vector<Single, {size}>) is unknown: set Options.ImageShape, e.g. new ImageShape(3, 224, 224) after ExtractPixels.");
        if (shape.Size != size)
            throw SchemaChecks.Mismatch("feature", features.Name, $"Vector<Single, {shape.Size}> holding {shape} images",
                $"Vector<Single, {size}>");
        var label = SchemaChecks.FindColumn(schema, TrainerOptions.LabelColumnName, "label");
        int classCount = SchemaChecks.CheckKeyLabel(label);
        return (shape, classCount, KeyValues.FromColumn(label));
    }
}
