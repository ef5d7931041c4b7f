using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetTriplet.Data;
using MlNetTriplet.Training;
using MlNetTriplet.Transforms;
using static TorchSharp.torch;
using MlNetTriplet.Checks;

namespace MlNetTriplet;

/// <summary>Trains a feed-forward neural network (multi-layer perceptron) that predicts a Boolean label from a
/// feature vector, with ML.NET's binary outputs: <c>Score</c> (the raw logit), <c>Probability</c> (its sigmoid) and
/// <c>PredictedLabel</c> (Probability &gt; 0.5), so <c>mlContext.BinaryClassification.Evaluate</c> works unchanged.
/// Create it with <c>mlContext.BinaryClassification.Trainers.NeuralNetwork(...)</c>.</summary>
public sealed class NeuralNetworkBinaryTrainer : NetworkEstimator<NeuralNetworkBinaryTrainer.Options, NeuralNetworkTransformer>
{
    /// <summary>Options of <see cref="NeuralNetworkBinaryTrainer"/>.</summary>
    public sealed class Options : NeuralNetworkOptions
    {
        /// <summary>Weight of the positive (true) rows in the loss, as PyTorch's <c>pos_weight</c>: above 1 trades
        /// precision for recall on an imbalanced label; negatives / positives (about 7.7 on the UCI bank file)
        /// balances the classes. Default 1 (unweighted).</summary>
        public double PositiveClassWeight { get; set; } = 1;

        internal override void Validate()
        {
            base.Validate();
            OptionChecks.For(this).Accepts(PositiveClassWeight > 0 && double.IsFinite(PositiveClassWeight),
                nameof(PositiveClassWeight), PositiveClassWeight, "a positive number");
        }
    }

    internal NeuralNetworkBinaryTrainer(IHostEnvironment env, Options options)
        : base(env, options, nameof(NeuralNetworkBinaryTrainer))
    {
    }

    private protected override NeuralNetworkTransformer Fit(IDataView trainData, IDataView? validationData, Device device,
        int seed) =>
        NeuralNetworkCore.Fit(Host, TrainerOptions, ClassifierKind.Binary, trainData, validationData, device, seed, CheckLabel,
            _ => new BinaryCrossEntropyObjective(TrainerOptions.PositiveClassWeight == 1 ? null
                : tensor(new[] { (float)TrainerOptions.PositiveClassWeight }, device: device)));

    /// <summary>The input schema plus <c>Score</c>, <c>Probability</c> and <c>PredictedLabel</c>; checks the feature
    /// and label columns.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var columns = NeuralNetworkCore.CheckColumns(inputSchema, TrainerOptions);
        var label = SchemaChecks.FindColumn(inputSchema, TrainerOptions.LabelColumnName, "label");
        if (label.Kind != SchemaShape.Column.VectorKind.Scalar || !(label.ItemType is BooleanDataViewType || label.IsKey))
            throw LabelMismatch(label.Name, label.GetTypeString());
        ClassifierOutputs.AddBinaryShape(columns);
        return new SchemaShape(columns.Values);
    }

    /// <summary>A Boolean label, as ML.NET's binary trainers take it, or a key of exactly two values (the second one
    /// is the positive class, as ML.NET's evaluator reads it).</summary>
    private static (int ClassCount, KeyValues? Values) CheckLabel(DataViewSchema.Column label)
    {
        if (label.Type is BooleanDataViewType)
            return (2, null);
        if (label.Type is not KeyDataViewType { RawType: var raw, Count: var count } || raw != typeof(uint))
            throw LabelMismatch(label.Name, $"{label.Type}");
        var values = KeyValues.FromColumn(label);
        if (count != 2)
            throw new ArgumentOutOfRangeException("inputSchema",
                $"Label column '{label.Name}' has {count} values" +
                (values is null ? "" : $" ({string.Join(", ", values.AsText().Select(v => $"'{v}'"))})") +
                "; a binary classifier needs exactly two. Map the label to a Boolean (e.g. MapValue) or use the multiclass NeuralNetwork trainer.");
        return (2, values);
    }

    private static ArgumentOutOfRangeException LabelMismatch(string name, string actual) =>
        SchemaChecks.Mismatch("label", name,
            "Boolean (e.g. mlContext.Transforms.Conversion.MapValue from \"yes\"/\"no\" to true/false) or a key of two values",
            actual);
}
