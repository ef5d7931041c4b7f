using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Image;
using MlNetTriplet.Backbones;
using MlNetTriplet.Batches;
using MlNetTriplet.Checks;
using MlNetTriplet.Data;
using MlNetTriplet.Images;
using MlNetTriplet.Networks;
using MlNetTriplet.Training;
using MlNetTriplet.Training.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet;

/// <summary>Trains a network that embeds each row so that rows of the same class lie close together, with a
/// metric-learning loss over a key-typed label: a <c>Vector&lt;Single&gt;</c> column (images or plain vectors) through
/// a CNN or an MLP, or photos (paths, <c>LoadImages</c> images) through a pretrained backbone and an embedding head.
/// Create it with <c>mlContext.Transforms.TripletEmbedding(...)</c>; the fitted transformer adds the embedding column.</summary>
public sealed class TripletEmbeddingEstimator : NetworkEstimator<TripletEmbeddingOptions, TripletEmbeddingTransformer>
{
    internal TripletEmbeddingEstimator(IHostEnvironment env, TripletEmbeddingOptions options)
        : base(env, options, nameof(TripletEmbeddingEstimator))
    {
    }

    private protected override TripletEmbeddingTransformer Fit(IDataView trainData, IDataView? validationData,
        Device device, int seed)
    {
        var features = SchemaChecks.FindColumn(trainData.Schema, TrainerOptions.FeatureColumnName, "feature");
        return TakesPhotos(features.Type)
            ? FitPhotos(trainData, validationData, device, seed)
            : FitVectors(trainData, validationData, device, seed);
    }

    /// <summary>Photos go through a backbone: a column of paths or images always, a vector when a backbone is set.</summary>
    private bool TakesPhotos(DataViewType featureType) =>
        TrainerOptions.Backbone is not null || featureType is TextDataViewType or ImageDataViewType;

    private TripletEmbeddingTransformer FitVectors(IDataView trainData, IDataView? validationData, Device device, int seed)
    {
        var o = TrainerOptions;
        OptionChecks.For(o).Compatible(o.EmbeddingSource == PhotoEmbeddingSource.Head, nameof(o.EmbeddingSource), o.EmbeddingSource,
            nameof(o.FeatureColumnName), o.FeatureColumnName,
            "Head: a network on vectors has no pretrained backbone whose features could be the embedding");
        var (spec, classCount) = CheckSchema(trainData.Schema);
        if (validationData is not null)
        {
            var (validSpec, _) = CheckSchema(validationData.Schema);
            if (validSpec.InputSize != spec.InputSize)
                throw new ArgumentOutOfRangeException(nameof(validationData),
                    $"Validation data must match the training data: feature column '{o.FeatureColumnName}' has {validSpec.InputSize} values vs {spec.InputSize}.");
        }

        var train = LabeledFeatures.Read(trainData, o.FeatureColumnName, o.LabelColumnName, spec.InputSize,
            "Training data", o.CancellationToken);
        LabeledFeatures? valid = null;
        if (validationData is not null)
            valid = LabeledFeatures.Read(validationData, o.FeatureColumnName, o.LabelColumnName, spec.InputSize,
                "Validation data", o.CancellationToken);
        else if (o.ValidationFraction > 0)
            (train, valid) = train.SplitStratified(o.ValidationFraction, classCount, seed);
        var sampling = o.EffectiveSampling(photos: false);
        CheckClasses(Counts(train.Labels[..train.Rows], classCount), sampling, "Training data");
        if (valid is not null)
            CheckClasses(Counts(valid.Labels[..valid.Rows], classCount), sampling, "Validation data");

        manual_seed(seed);
        var network = new EmbeddingNetwork(spec);
        network.to(device);
        long[] rowShape = spec.RowShape;
        // Validation batches have the training batches' structure (triplets, P x K, size), fixed across epochs.
        using var trainSet = BatchSource.InMemory(train, rowShape, device, TrainingPlan(sampling, train.Labels[..train.Rows], seed));
        using var validSet = valid is null ? null
            : BatchSource.InMemory(valid, rowShape, device, ValidationPlan(sampling, valid.Labels[..valid.Rows], seed));
        var history = Train(network, trainSet, validSet, null, classCount, device, seed);

        var description = new TripletEmbeddingTransformer.Description(o.FeatureColumnName, o.OutputColumnName, spec,
            o.InferenceBatchSize, o.Device, history);
        return new TripletEmbeddingTransformer(description, network);
    }

    /// <summary>Photos: read and checked as transfer learning reads them (same preparation, augmentation and
    /// streaming), through the backbone and the embedding head; a frozen backbone's pooled features are cached once
    /// and the head trains on them.</summary>
    private TripletEmbeddingTransformer FitPhotos(IDataView trainData, IDataView? validationData, Device device, int seed)
    {
        var o = TrainerOptions;
        var settings = o.BackboneTraining;
        var backbone = settings.Resolve();
        var geometry = backbone.Spec.Geometry;
        var sampling = o.EffectiveSampling(photos: true);
        var (classCount, labelValues) = CheckPhotoSchema(trainData.Schema, geometry, sampling, "Training data");
        if (validationData is not null)
        {
            CheckPhotoSchema(validationData.Schema, geometry, sampling, "Validation data");
            ClassLabels.CheckSameKeys(trainData.Schema[o.LabelColumnName], validationData.Schema[o.LabelColumnName]);
        }
        var names = labelValues?.AsText();
        var columns = new PhotoColumns(o.FeatureColumnName, o.LabelColumnName, classCount,
            k => names is null ? $"key {k + 1}" : $"'{names[k]}'");

        // A frozen backbone reads every photo once, in order, for the cache; the plans then draw from the cache.
        PhotoOrder Order(Func<long[], BatchPlan> plan) => settings.Frozen ? PhotoOrder.InOrder
            : sampling == TripletSampling.Shuffled ? PhotoOrder.Shuffle : new PhotoOrder(true, plan);
        using var data = PhotoTrainingData.Create(trainData, validationData, columns, geometry, settings.TrainingAugmentation,
            (Order(labels => TrainingPlan(sampling, labels, seed)), Order(labels => ValidationPlan(sampling, labels, seed))),
            new PhotoBatching(o.BatchSize, o.BatchSize, o.ValidationFraction, device, o.CancellationToken), settings.Stream, seed,
            (train, valid) =>
            {
                CheckClasses(train, sampling, "Training data");
                if (valid is not null)
                    CheckClasses(valid, sampling, "Validation data");
            });
        using var notes = StartLog("Photo embeddings");

        manual_seed(seed);
        var backboneModule = BackboneModule.Load(backbone);
        var head = new EmbeddingHeadSpec(backboneModule.FeatureChannels, o.EmbeddingSize, o.EmbeddingBatchNorm,
            o.EmbeddingActivation, o.NormalizeEmbedding);
        var network = new TransferNetwork(backboneModule, head);
        try
        {
            network.to(device);
            settings.Report(notes, data, backbone.Spec, classCount);
            TrainingHistory history;
            if (settings.Frozen)
            {
                using var train = CachedFeatures(network, data.Train, sampling, device, seed, notes, validation: false);
                using var valid = data.Validation is null ? null
                    : CachedFeatures(network, data.Validation, sampling, device, seed, notes, validation: true);
                history = Train(network.Head, train, valid, null, classCount, device, seed);
            }
            else
            {
                history = Train(network, data.Train, data.Validation, settings.Parts(network, OptionChecks.For(o)), classCount,
                    device, seed);
            }
            int? pretrainedFrom = null;
            if (o.EmbeddingSource != PhotoEmbeddingSource.Head)
            {
                if (o.EmbeddingSource == PhotoEmbeddingSource.BackboneAndPretrained)
                    pretrainedFrom = settings.FirstTrainedBlock(network.Backbone.BlockNames.Count);
                (network, head) = WithoutProjection(network, backbone, pretrainedFrom, device);
            }
            var description = new TripletEmbeddingTransformer.Description(o.FeatureColumnName, o.OutputColumnName, null,
                o.InferenceBatchSize, o.Device, history,
                new TripletEmbeddingTransformer.PhotoNetwork(backbone.Spec, o.BackboneMode, head, data.Skipped.Count, pretrainedFrom));
            return new TripletEmbeddingTransformer(description, network);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>The trained backbone under a head without the linear layer (the pooled features, normalised), with
    /// <paramref name="pretrained"/>'s untrained blocks <paramref name="pretrainedFrom"/>.. beside it when that is
    /// set; the trained network, projection head and all, is disposed.</summary>
    private static (TransferNetwork, EmbeddingHeadSpec) WithoutProjection(TransferNetwork trained, PretrainedBackbone pretrained,
        int? pretrainedFrom, Device device)
    {
        var backbone = trained.Backbone;
        var head = new EmbeddingHeadSpec(backbone.FeatureChannels, backbone.FeatureChannels, BatchNorm: false, Activation: null,
            Normalize: true, Project: false);
        var original = pretrainedFrom is null ? null : BackboneModule.Load(pretrained);
        TransferNetwork features;
        try
        {
            features = original is null ? new TransferNetwork(BackboneModule.Create(backbone.Spec), head)
                : new TransferNetwork(BackboneModule.Create(backbone.Spec), head, original, pretrainedFrom!.Value);
        }
        catch
        {
            original?.Dispose();
            throw;
        }
        try
        {
            features.to(device);
            using (no_grad())
                features.Backbone.load_state_dict(backbone.state_dict());
            trained.Dispose();
            return (features, head);
        }
        catch
        {
            features.Dispose();
            throw;
        }
    }

    /// <summary>The pooled features of <paramref name="photos"/>, computed once, in the batches the sampling draws.</summary>
    private BatchSource CachedFeatures(TransferNetwork network, BatchSource photos, TripletSampling sampling, Device device,
        int seed, ITrainingLog notes, bool validation)
    {
        var rows = BackboneTraining.CacheFeatures(network, photos, device, TrainerOptions, notes);
        using var labelsOnHost = rows.Labels.cpu();
        var labels = labelsOnHost.data<long>().ToArray();
        return new BatchSource(rows, validation ? ValidationPlan(sampling, labels, seed) : TrainingPlan(sampling, labels, seed));
    }

    /// <summary>The input schema plus the embedding column; checks the feature and label columns.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var o = TrainerOptions;
        var features = SchemaChecks.FindColumn(inputSchema, o.FeatureColumnName, "feature");
        if (o.Backbone is { } backbone)
            ImageColumn.Check(features, backbone.Spec.Geometry.Shape, "feature");
        else if (features.Kind == SchemaShape.Column.VectorKind.Scalar && features.ItemType is TextDataViewType or ImageDataViewType)
            ImageColumn.Check(features, new ImageShape(3, BackboneSpec.DefaultImageSize, BackboneSpec.DefaultImageSize), "feature");
        else
            SchemaChecks.CheckFloatVector(features, "feature");
        SchemaChecks.CheckKeyLabel(SchemaChecks.FindColumn(inputSchema, o.LabelColumnName, "label"));
        var columns = inputSchema.ToDictionary(c => c.Name);
        columns[o.OutputColumnName] = new SchemaShape.Column(o.OutputColumnName,
            SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
        return new SchemaShape(columns.Values);
    }

    /// <summary>Trains <paramref name="model"/> (the network, or a frozen backbone's head) with the loss the options
    /// name; Proxy Anchor's proxies train with it, at their own learning rate, and are dropped after.</summary>
    private TrainingHistory Train(nn.Module<Tensor, Tensor> model, BatchSource train, BatchSource? validation,
        TrainableParts? parts, int classCount, Device device, int seed)
    {
        var o = TrainerOptions;
        var distance = o.EffectiveDistance;
        using var log = StartLog();
        var trainer = new NetworkTrainer(o, log, seed);
        switch (o.Loss)
        {
            case TripletLossKind.Contrastive:
                return trainer.Fit(model, train, validation, new ContrastiveObjective(distance,
                    o.Contrastive.PositiveMargin, o.Contrastive.EffectiveNegativeMargin(distance), o.EffectiveReduction), parts);
            case TripletLossKind.MultiSimilarity:
                var ms = o.MultiSimilarity;
                return trainer.Fit(model, train, validation,
                    new MultiSimilarityObjective(ms.Alpha, ms.Beta, ms.Base, ms.Epsilon), parts);
            case TripletLossKind.ProxyAnchor:
                using (var proxies = new ProxyAnchorObjective(classCount, o.EmbeddingSize, o.ProxyAnchor.Alpha, o.ProxyAnchor.Delta))
                {
                    proxies.to(device);
                    parts ??= TrainableParts.All(model);
                    parts = parts with
                    {
                        Groups = [.. parts.Groups, new ParameterGroup(proxies.parameters().ToList(), o.ProxyAnchor.LearningRateFactor)],
                    };
                    return trainer.Fit(new NetworkWithLoss(model, proxies), train, validation, proxies, parts);
                }
            default:
                return trainer.Fit(model, train, validation,
                    new TripletObjective(o.EffectiveMining, distance, o.Loss, o.Margin, o.EffectiveReduction), parts);
        }
    }

    /// <summary>Batches that use each row about once: as anchors for triplets, as batch members otherwise.</summary>
    private int DefaultSteps(TripletSampling sampling, int rows) =>
        Math.Max(1, rows / (sampling == TripletSampling.RandomTriplets ? TrainerOptions.BatchSize : TrainerOptions.RowsPerBatch(sampling)));

    private BatchPlan TrainingPlan(TripletSampling sampling, long[] labels, int seed) =>
        CreatePlan(sampling, labels, TrainerOptions.StepsPerEpoch ?? DefaultSteps(sampling, labels.Length), seed);

    /// <summary>Validation batches have the training batches' structure (triplets, P x K, size), fixed across epochs.</summary>
    private BatchPlan ValidationPlan(TripletSampling sampling, long[] labels, int seed) =>
        CreatePlan(sampling, labels, DefaultSteps(sampling, labels.Length), seed);

    private BatchPlan CreatePlan(TripletSampling sampling, long[] labels, int steps, int seed)
    {
        var o = TrainerOptions;
        return sampling switch
        {
            TripletSampling.RandomTriplets => new RandomTripletPlan(labels, o.BatchSize, steps, seed),
            TripletSampling.ClassBalanced => new ClassBalancedPlan(labels, o.ClassesPerBatch, o.SamplesPerClass, steps, seed),
            _ => BatchPlan.Shuffled(labels.Length, o.BatchSize, seed),
        };
    }

    private static int[] Counts(long[] labels, int classCount)
    {
        var counts = new int[classCount];
        foreach (long label in labels)
            counts[label]++;
        return counts;
    }

    /// <summary>What the sampler and the loss need from the data (<paramref name="counts"/>: rows per 0-based class),
    /// checked before training with messages naming the label column: two classes for negatives, two rows in a class
    /// for positives, enough rows and classes for P x K.</summary>
    private void CheckClasses(int[] counts, TripletSampling sampling, string dataName)
    {
        var o = TrainerOptions;
        int rows = counts.Sum(), classes = counts.Count(c => c > 0);
        string column = $"label column '{o.LabelColumnName}'";
        if (classes < 2)
            throw new InvalidOperationException(
                $"{dataName} has {classes} class(es) in {column} ({rows} rows); triplets need at least two: negatives come from another class.");
        var singles = Enumerable.Range(0, counts.Length).Where(k => counts[k] == 1).Select(k => k + 1).ToList();
        switch (sampling)
        {
            case TripletSampling.RandomTriplets when singles.Count > 0:
                throw new InvalidOperationException(
                    $"{dataName}: {column} has classes with a single row (key values {string.Join(", ", singles.Take(10))}); random triplets need two rows of every class (anchor and positive). Remove those rows or use Sampling Shuffled with a Mining.");
            case TripletSampling.ClassBalanced:
                int eligible = counts.Count(c => c >= 2);
                if (eligible < o.ClassesPerBatch)
                    throw new InvalidOperationException(
                        $"{dataName}: ClassesPerBatch is {o.ClassesPerBatch} but {column} has only {eligible} classes with at least two rows.");
                if (o.RowsPerBatch(sampling) > rows)
                    throw new InvalidOperationException(
                        $"{dataName}: a P x K batch of {o.ClassesPerBatch} x {o.SamplesPerClass} = {o.RowsPerBatch(sampling)} rows is larger than the {rows} rows available.");
                break;
            case TripletSampling.Shuffled when singles.Count == classes:
                throw new InvalidOperationException(
                    $"{dataName}: every class in {column} has a single row, so no batch holds a positive pair.");
        }
    }

    /// <summary>The photo column (paths, images, or vectors prepared for the backbone) and the label; a network option
    /// for vectors is refused, and so is a column read in order when the sampling must pick rows by class.</summary>
    private (int ClassCount, KeyValues? LabelValues) CheckPhotoSchema(DataViewSchema schema, ImageGeometry geometry,
        TripletSampling sampling, string dataName)
    {
        var o = TrainerOptions;
        var photos = SchemaChecks.FindColumn(schema, o.FeatureColumnName, "feature");
        var kind = ImageColumn.Check(photos, geometry.Shape, "feature");
        if (o.Architecture is not null || o.Mlp is not null)
            throw new ArgumentException(
                $"Feature column '{photos.Name}' holds photos ({photos.Type}), which go through a pretrained Backbone; {(o.Architecture is not null ? "Architecture" : "Mlp")} builds a network for vectors. Leave it unset (or give a Vector<Single> column).",
                nameof(schema));
        if (kind != ImageInputKind.Path && !o.BackboneTraining.Frozen && sampling != TripletSampling.Shuffled)
            throw new InvalidOperationException(
                $"{dataName}: Sampling {sampling} picks photos by class, but feature column '{photos.Name}' ({photos.Type}) can only be read in order while the backbone trains ({o.BackboneMode}). Give a column of image file paths (mlContext.Data.LoadFromImageFolder), set Sampling to Shuffled, or keep BackboneMode FrozenBackbone (its features are cached and drawn by class).");
        var label = CheckLabel(schema, out int classCount);
        return (classCount, KeyValues.FromColumn(label));
    }

    /// <summary>The key label column, with two classes or more.</summary>
    private DataViewSchema.Column CheckLabel(DataViewSchema schema, out int classCount)
    {
        var label = SchemaChecks.FindColumn(schema, TrainerOptions.LabelColumnName, "label");
        if (label.Type is KeyDataViewType { Count: < 2 } key)
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"Label column '{label.Name}' has {key.Count} class(es); triplets need at least two: negatives come from another class.");
        classCount = SchemaChecks.CheckKeyLabel(label);
        return label;
    }

    private (EmbeddingNetworkSpec spec, int classCount) CheckSchema(DataViewSchema schema)
    {
        var o = TrainerOptions;
        var features = SchemaChecks.FindColumn(schema, o.FeatureColumnName, "feature");
        int size = SchemaChecks.CheckFloatVector(features, "feature");
        CheckLabel(schema, out int classCount);
        var shape = o.ImageShape ?? ImageShape.FromAnnotations(features);
        bool cnn = o.Architecture is not null || (o.Mlp is null && shape is not null);
        if (cnn)
        {
            if (shape is null)
                throw new ArgumentOutOfRangeException(nameof(schema),
                    $"The shape of the images in feature column '{features.Name}' (Vector<Single, {size}>) is unknown: set ImageShape, or set Mlp for plain feature vectors.");
            if (shape.Value.Size != size)
                throw SchemaChecks.Mismatch("feature", features.Name, $"Vector<Single, {shape.Value.Size}> holding {shape} images",
                    $"Vector<Single, {size}>");
            var architecture = o.Architecture ?? TripletEmbeddingOptions.DefaultCnn;
            CnnModule.FeatureShape(architecture, shape.Value);
            return (new EmbeddingNetworkSpec(size, shape, architecture, null, o.EmbeddingSize, o.EmbeddingActivation,
                o.NormalizeEmbedding, o.EmbeddingBatchNorm), classCount);
        }
        return (new EmbeddingNetworkSpec(size, null, null, o.Mlp ?? TripletEmbeddingOptions.DefaultMlp, o.EmbeddingSize,
            o.EmbeddingActivation, o.NormalizeEmbedding, o.EmbeddingBatchNorm), classCount);
    }
}
