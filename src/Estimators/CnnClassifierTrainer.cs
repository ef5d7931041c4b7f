using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetTriplet.Data;
using MlNetTriplet.Native;
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
public sealed class CnnClassifierTrainer : IEstimator<CnnClassifierTransformer>
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

    private readonly IHost _host;
    private readonly Options _options;

    internal CnnClassifierTrainer(IHostEnvironment env, Options options)
    {
        _host = env.Register(nameof(CnnClassifierTrainer));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _options.Validate();
    }

    /// <summary>Trains on <paramref name="input"/>, holding out <see cref="NetworkTrainingOptions.ValidationFraction"/>
    /// for validation when set.</summary>
    public CnnClassifierTransformer Fit(IDataView input) => Fit(input, null);

    /// <summary>Trains on <paramref name="trainData"/> and validates after every epoch on
    /// <paramref name="validationData"/> (same schema), for early stopping and the metrics callback.</summary>
    public CnnClassifierTransformer Fit(IDataView trainData, IDataView? validationData)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        _options.CheckValidationAvailable(validationData is not null || _options.ValidationFraction > 0);
        LibTorch.EnsureLoaded();
        var device = Devices.ForTraining(_options.Device);
        var (shape, classCount, labelValues) = CheckSchema(trainData.Schema);
        if (validationData is not null)
        {
            var (validShape, validClasses, _) = CheckSchema(validationData.Schema);
            if (validShape != shape || validClasses != classCount)
                throw new ArgumentOutOfRangeException(nameof(validationData),
                    $"Validation data must match the training data: images {validShape} vs {shape}, {validClasses} vs {classCount} label classes.");
        }

        int seed = _options.Seed ?? _host.Rand.Next();
        var o = _options;
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
        var history = new NetworkTrainer(o, _host, seed).Fit(network, trainSet, validSet,
            new ShuffledBatchSampler(trainSet.Count, o.BatchSize, seed), new CrossEntropyObjective());

        var description = new CnnClassifierTransformer.Description(o.FeatureColumnName, shape, o.Architecture,
            classCount, o.InferenceBatchSize, o.Device, history);
        return new CnnClassifierTransformer(_host, description, labelValues, network);
    }

    /// <summary>The input schema plus <c>Score</c> and <c>PredictedLabel</c>; checks the feature and label columns.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var features = SchemaChecks.FindColumn(inputSchema, _options.FeatureColumnName, "feature");
        SchemaChecks.CheckFloatVector(features, "feature");
        var label = SchemaChecks.FindColumn(inputSchema, _options.LabelColumnName, "label");
        SchemaChecks.CheckKeyLabel(label);
        var columns = inputSchema.ToDictionary(c => c.Name);
        ClassifierOutputs.AddMulticlassShape(columns, label);
        return new SchemaShape(columns.Values);
    }

    private (ImageShape shape, int classCount, KeyValues? labelValues) CheckSchema(DataViewSchema schema)
    {
        var features = SchemaChecks.FindColumn(schema, _options.FeatureColumnName, "feature");
        int size = SchemaChecks.CheckFloatVector(features, "feature");
        var shape = _options.ImageShape ?? ImageShape.FromAnnotations(features)
            ?? throw new ArgumentOutOfRangeException(nameof(schema),
                $"The shape of the images in feature column '{features.Name}' (Vector<Single, {size}>) is unknown: set Options.ImageShape, e.g. new ImageShape(3, 224, 224) after ExtractPixels.");
        if (shape.Size != size)
            throw SchemaChecks.Mismatch("feature", features.Name, $"Vector<Single, {shape.Size}> holding {shape} images",
                $"Vector<Single, {size}>");
        var label = SchemaChecks.FindColumn(schema, _options.LabelColumnName, "label");
        int classCount = SchemaChecks.CheckKeyLabel(label);
        return (shape, classCount, KeyValues.FromColumn(label));
    }
}
