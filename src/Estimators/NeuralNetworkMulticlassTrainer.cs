using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetTriplet.Data;
using MlNetTriplet.Persistence;
using MlNetTriplet.Training;
using MlNetTriplet.Transforms;
using static TorchSharp.torch;

namespace MlNetTriplet;

/// <summary>Trains a feed-forward neural network (multi-layer perceptron) that classifies a feature vector into the
/// classes of a key-typed label, with a softmax head: <c>Score</c> (class probabilities) and <c>PredictedLabel</c>, so
/// <c>mlContext.MulticlassClassification.Evaluate</c> works unchanged. The same network and training as
/// <see cref="NeuralNetworkBinaryTrainer"/>. Create it with
/// <c>mlContext.MulticlassClassification.Trainers.NeuralNetwork(...)</c>.</summary>
public sealed class NeuralNetworkMulticlassTrainer : IEstimator<NeuralNetworkTransformer>
{
    /// <summary>Options of <see cref="NeuralNetworkMulticlassTrainer"/>.</summary>
    public sealed class Options : NeuralNetworkOptions
    {
        /// <summary>Loss weight of each class, in key order (the first weight for key 1), for imbalanced labels.
        /// Default null (all 1).</summary>
        public IReadOnlyList<float>? ClassWeights { get; set; }

        internal override void Validate()
        {
            base.Validate();
            Check(ClassWeights is null || ClassWeights.All(w => w >= 0 && float.IsFinite(w)) && ClassWeights.Any(w => w > 0),
                nameof(ClassWeights), "must hold finite non-negative weights, at least one positive");
        }
    }

    private readonly IHost _host;
    private readonly Options _options;

    internal NeuralNetworkMulticlassTrainer(IHostEnvironment env, Options options)
    {
        _host = env.Register(nameof(NeuralNetworkMulticlassTrainer));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _options.Validate();
    }

    /// <summary>Trains on <paramref name="input"/>, holding out <see cref="NetworkTrainingOptions.ValidationFraction"/>
    /// for validation when set.</summary>
    public NeuralNetworkTransformer Fit(IDataView input) => Fit(input, null);

    /// <summary>Trains on <paramref name="trainData"/> and validates after every epoch on
    /// <paramref name="validationData"/> (same schema), for early stopping, the loss curves and the metrics callback.</summary>
    public NeuralNetworkTransformer Fit(IDataView trainData, IDataView? validationData) =>
        NeuralNetworkCore.Fit(_host, _options, ClassifierKind.Multiclass, trainData, validationData, CheckLabel,
            (classCount, device) =>
            {
                if (_options.ClassWeights is not { } weights)
                    return new CrossEntropyObjective();
                if (weights.Count != classCount)
                    throw new ArgumentOutOfRangeException(nameof(Options.ClassWeights),
                        $"Option ClassWeights holds {weights.Count} weights but label column '{_options.LabelColumnName}' has {classCount} classes.");
                return new CrossEntropyObjective(tensor(weights.ToArray(), device: device));
            });

    /// <summary>The input schema plus <c>Score</c> and <c>PredictedLabel</c>; checks the feature and label columns.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var columns = NeuralNetworkCore.CheckColumns(inputSchema, _options);
        var label = SchemaChecks.FindColumn(inputSchema, _options.LabelColumnName, "label");
        SchemaChecks.CheckKeyLabel(label);
        ClassifierOutputs.AddMulticlassShape(columns, label);
        return new SchemaShape(columns.Values);
    }

    private static (int ClassCount, KeyValues? Values) CheckLabel(DataViewSchema.Column label) =>
        (SchemaChecks.CheckKeyLabel(label), KeyValues.FromColumn(label));
}
