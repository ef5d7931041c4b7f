using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetTriplet.Batches;
using MlNetTriplet.Data;
using MlNetTriplet.Networks;
using MlNetTriplet.Training;
using MlNetTriplet.Training.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet;

/// <summary>Trains a network that embeds each row of a <c>Vector&lt;Single&gt;</c> column (images or plain vectors) so
/// that rows of the same class lie close together, with a triplet loss over a key-typed label. Create it with
/// <c>mlContext.Transforms.TripletEmbedding(...)</c>; the fitted transformer adds the embedding column.</summary>
public sealed class TripletEmbeddingEstimator : NetworkEstimator<TripletEmbeddingOptions, TripletEmbeddingTransformer>
{
    internal TripletEmbeddingEstimator(IHostEnvironment env, TripletEmbeddingOptions options)
        : base(env, options, nameof(TripletEmbeddingEstimator))
    {
    }

    private protected override TripletEmbeddingTransformer Fit(IDataView trainData, IDataView? validationData,
        Device device, int seed)
    {
        var o = TrainerOptions;
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
        CheckClasses(train, "Training data");
        if (valid is not null)
            CheckClasses(valid, "Validation data");

        manual_seed(seed);
        var network = new EmbeddingNetwork(spec);
        network.to(device);
        long[] rowShape = spec.RowShape;
        // Validation batches have the training batches' structure (triplets, P x K, size), fixed across epochs.
        using var trainSet = BatchSource.InMemory(train, rowShape, device,
            CreatePlan(train.Labels, train.Rows, o.StepsPerEpoch ?? DefaultSteps(train.Rows), seed));
        using var validSet = valid is null ? null
            : BatchSource.InMemory(valid, rowShape, device, CreatePlan(valid.Labels, valid.Rows, DefaultSteps(valid.Rows), seed));
        var objective = new TripletObjective(o.Mining, o.Distance, o.Loss, o.Margin, o.EffectiveReduction);
        using var log = StartLog();
        var history = new NetworkTrainer(o, log, seed).Fit(network, trainSet, validSet, objective);

        var description = new TripletEmbeddingTransformer.Description(o.FeatureColumnName, o.OutputColumnName, spec,
            o.InferenceBatchSize, o.Device, history);
        return new TripletEmbeddingTransformer(description, network);
    }

    /// <summary>The input schema plus the embedding column; checks the feature and label columns.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var features = SchemaChecks.FindColumn(inputSchema, TrainerOptions.FeatureColumnName, "feature");
        SchemaChecks.CheckFloatVector(features, "feature");
        SchemaChecks.CheckKeyLabel(SchemaChecks.FindColumn(inputSchema, TrainerOptions.LabelColumnName, "label"));
        var columns = inputSchema.ToDictionary(c => c.Name);
        columns[TrainerOptions.OutputColumnName] = new SchemaShape.Column(TrainerOptions.OutputColumnName,
            SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
        return new SchemaShape(columns.Values);
    }

    /// <summary>Batches that use each row about once: as anchors for triplets, as batch members otherwise.</summary>
    private int DefaultSteps(int rows) =>
        Math.Max(1, rows / (TrainerOptions.Sampling == TripletSampling.RandomTriplets ? TrainerOptions.BatchSize : TrainerOptions.RowsPerBatch));

    private BatchPlan CreatePlan(long[] labels, int rows, int steps, int seed)
    {
        var o = TrainerOptions;
        return o.Sampling switch
        {
            TripletSampling.RandomTriplets => new RandomTripletPlan(labels[..rows], o.BatchSize, steps, seed),
            TripletSampling.ClassBalanced => new ClassBalancedPlan(labels[..rows], o.ClassesPerBatch, o.SamplesPerClass, steps, seed),
            _ => BatchPlan.Shuffled(rows, o.BatchSize, seed),
        };
    }

    /// <summary>What the sampler and the miner need from the data, checked before training with messages naming the
    /// label column: two classes for negatives, two rows in a class for positives, enough rows and classes for P x K.</summary>
    private void CheckClasses(LabeledFeatures data, string dataName)
    {
        var o = TrainerOptions;
        var counts = ClassIndex.Build(data.Labels[..data.Rows]).ToDictionary(p => p.Key, p => p.Value.Count);
        string column = $"label column '{o.LabelColumnName}'";
        if (counts.Count < 2)
            throw new InvalidOperationException(
                $"{dataName} has {counts.Count} class(es) in {column} ({data.Rows} rows); triplets need at least two: negatives come from another class.");
        var singles = counts.Where(p => p.Value < 2).Select(p => p.Key + 1).ToList();
        switch (o.Sampling)
        {
            case TripletSampling.RandomTriplets when singles.Count > 0:
                throw new InvalidOperationException(
                    $"{dataName}: {column} has classes with a single row (key values {string.Join(", ", singles.Take(10))}); random triplets need two rows of every class (anchor and positive). Remove those rows or use Sampling Shuffled with a Mining.");
            case TripletSampling.ClassBalanced:
                int eligible = counts.Count(p => p.Value >= 2);
                if (eligible < o.ClassesPerBatch)
                    throw new InvalidOperationException(
                        $"{dataName}: ClassesPerBatch is {o.ClassesPerBatch} but {column} has only {eligible} classes with at least two rows.");
                if (o.RowsPerBatch > data.Rows)
                    throw new InvalidOperationException(
                        $"{dataName}: a P x K batch of {o.ClassesPerBatch} x {o.SamplesPerClass} = {o.RowsPerBatch} rows is larger than the {data.Rows} rows available.");
                break;
            case TripletSampling.Shuffled when singles.Count == counts.Count:
                throw new InvalidOperationException(
                    $"{dataName}: every class in {column} has a single row, so no batch holds a positive pair.");
        }
    }

    private (EmbeddingNetworkSpec spec, int classCount) CheckSchema(DataViewSchema schema)
    {
        var o = TrainerOptions;
        var features = SchemaChecks.FindColumn(schema, o.FeatureColumnName, "feature");
        int size = SchemaChecks.CheckFloatVector(features, "feature");
        var label = SchemaChecks.FindColumn(schema, o.LabelColumnName, "label");
        if (label.Type is KeyDataViewType { Count: < 2 } key)
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"Label column '{label.Name}' has {key.Count} class(es); triplets need at least two: negatives come from another class.");
        int classCount = SchemaChecks.CheckKeyLabel(label);
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
                o.NormalizeEmbedding), classCount);
        }
        return (new EmbeddingNetworkSpec(size, null, null, o.Mlp ?? TripletEmbeddingOptions.DefaultMlp, o.EmbeddingSize,
            o.EmbeddingActivation, o.NormalizeEmbedding), classCount);
    }
}
