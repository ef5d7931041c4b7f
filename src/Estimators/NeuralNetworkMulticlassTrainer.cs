using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetTriplet.Data;
using MlNetTriplet.Training;
using MlNetTriplet.Transforms;
using static TorchSharp.torch;
using MlNetTriplet.Checks;

namespace MlNetTriplet;

/// <summary>Trains a feed-forward neural network (multi-layer perceptron) that classifies a feature vector into the
/// classes of a key-typed label, with a softmax head: <c>Score</c> (class probabilities) and <c>PredictedLabel</c>, so
/// <c>mlContext.MulticlassClassification.Evaluate</c> works unchanged. The same network and training as
/// <see cref="NeuralNetworkBinaryTrainer"/>. Create it with
/// <c>mlContext.MulticlassClassification.Trainers.NeuralNetwork(...)</c>.</summary>
public sealed class NeuralNetworkMulticlassTrainer : NetworkEstimator<NeuralNetworkMulticlassTrainer.Options, NeuralNetworkTransformer>
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
            OptionChecks.For(this).Accepts(
                ClassWeights is null || ClassWeights.All(w => w >= 0 && float.IsFinite(w)) && ClassWeights.Any(w => w > 0),
                nameof(ClassWeights), ClassWeights, "null (all 1) or finite non-negative weights, at least one positive");
        }
    }

    internal NeuralNetworkMulticlassTrainer(IHostEnvironment env, Options options)
        : base(env, options, nameof(NeuralNetworkMulticlassTrainer))
    {
    }

    private protected override NeuralNetworkTransformer Fit(IDataView trainData, IDataView? validationData, Device device,
        int seed) =>
        NeuralNetworkCore.Fit(Host, TrainerOptions, ClassifierKind.Multiclass, trainData, validationData, device, seed,
            CheckLabel, classCount =>
            {
                if (TrainerOptions.ClassWeights is not { } weights)
                    return new CrossEntropyObjective();
                if (weights.Count != classCount)
                    throw new ArgumentOutOfRangeException(nameof(Options.ClassWeights),
                        $"Option ClassWeights holds {weights.Count} weights but label column '{TrainerOptions.LabelColumnName}' has {classCount} classes.");
                return new CrossEntropyObjective(tensor(weights.ToArray(), device: device));
            });

    /// <summary>The input schema plus <c>Score</c> and <c>PredictedLabel</c>; checks the feature and label columns.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var columns = NeuralNetworkCore.CheckColumns(inputSchema, TrainerOptions);
        var label = SchemaChecks.FindColumn(inputSchema, TrainerOptions.LabelColumnName, "label");
        SchemaChecks.CheckKeyLabel(label);
        ClassifierOutputs.AddMulticlassShape(columns, label);
        return new SchemaShape(columns.Values);
    }

    private static (int ClassCount, KeyValues? Values) CheckLabel(DataViewSchema.Column label) =>
        (SchemaChecks.CheckKeyLabel(label), KeyValues.FromColumn(label));
}
