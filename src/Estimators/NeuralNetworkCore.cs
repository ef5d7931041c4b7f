using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetTriplet.Batches;
using MlNetTriplet.Data;
using MlNetTriplet.Networks;
using MlNetTriplet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet;

/// <summary>Which head a <see cref="NeuralNetworkTransformer"/> has.</summary>
internal enum ClassifierKind
{
    /// <summary>One logit: Score, Probability, Boolean PredictedLabel.</summary>
    Binary,
    /// <summary>One logit per class, softmax: Score vector, key PredictedLabel.</summary>
    Multiclass,
}

/// <summary>The one implementation behind both feed-forward network trainers: schema checks, reading the data,
/// validation split, the network and the training loop. The entry points differ only in the label they accept, the
/// loss and the output columns.</summary>
internal static class NeuralNetworkCore
{
    public static NeuralNetworkTransformer Fit(IHost host, NeuralNetworkOptions o, ClassifierKind kind, IDataView trainData,
        IDataView? validationData, Device device, int seed,
        Func<DataViewSchema.Column, (int ClassCount, KeyValues? Values)> checkLabel, Func<int, ITrainingObjective> createObjective)
    {
        var (width, classCount, labelValues) = CheckSchema(trainData.Schema, o, checkLabel);
        if (validationData is not null)
        {
            var (validWidth, validClasses, _) = CheckSchema(validationData.Schema, o, checkLabel);
            ClassLabels.CheckSameKeys(trainData.Schema[o.LabelColumnName], validationData.Schema[o.LabelColumnName]);
            if (validWidth != width || validClasses != classCount)
                throw new ArgumentOutOfRangeException(nameof(validationData),
                    $"Validation data must match the training data: {validWidth} vs {width} features, {validClasses} vs {classCount} label classes.");
        }

        var (train, valid) = LabeledFeatures.ReadForClassifier(trainData, validationData, o.FeatureColumnName,
            o.LabelColumnName, width, classCount, o.ValidationFraction, seed, k => ClassName(kind, labelValues, k),
            o.CancellationToken);

        manual_seed(seed);
        int outputs = kind == ClassifierKind.Binary ? 1 : classCount;
        var network = new MlpModule(o.Architecture, width, outputs);
        network.to(device);
        // Past this point only the tensors are used, so the host arrays can be collected during training.
        using var trainSet = BatchSource.InMemory(train, [width], device, BatchPlan.Shuffled(train.Rows, o.BatchSize, seed));
        using var validSet = valid is null ? null
            : BatchSource.InMemory(valid, [width], device, BatchPlan.Sequential(valid.Rows, o.InferenceBatchSize));
        var objective = createObjective(classCount);
        using var disposeObjective = objective as IDisposable;
        using var log = new HostTrainingLog(host, "Training");
        var history = new NetworkTrainer(o, log, seed).Fit(network, trainSet, validSet, objective);

        var description = new NeuralNetworkTransformer.Description(o.FeatureColumnName, width, o.Architecture, kind,
            classCount, o.InferenceBatchSize, o.Device, history);
        return new NeuralNetworkTransformer(description, labelValues, network);
    }

    /// <summary>Checks the feature column of a schema shape and returns its columns by name, for GetOutputSchema.</summary>
    public static Dictionary<string, SchemaShape.Column> CheckColumns(SchemaShape inputSchema, NeuralNetworkOptions o)
    {
        var features = SchemaChecks.FindColumn(inputSchema, o.FeatureColumnName, "feature");
        SchemaChecks.CheckFloatVector(features, "feature");
        return inputSchema.ToDictionary(c => c.Name);
    }

    private static (int Width, int ClassCount, KeyValues? LabelValues) CheckSchema(DataViewSchema schema,
        NeuralNetworkOptions o, Func<DataViewSchema.Column, (int, KeyValues?)> checkLabel)
    {
        var features = SchemaChecks.FindColumn(schema, o.FeatureColumnName, "feature");
        int width = SchemaChecks.CheckFloatVector(features, "feature");
        var label = SchemaChecks.FindColumn(schema, o.LabelColumnName, "label");
        var (classCount, values) = checkLabel(label);
        return (width, classCount, values);
    }

    /// <summary>The printable name of a 0-based class, for messages.</summary>
    private static string ClassName(ClassifierKind kind, KeyValues? values, int k) =>
        values is not null ? $"'{values.AsText()[k]}'"
        : kind == ClassifierKind.Binary ? (k == 1 ? "true" : "false")
        : $"key {k + 1}";
}
