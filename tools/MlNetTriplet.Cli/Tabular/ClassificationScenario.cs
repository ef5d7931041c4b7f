using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Cli.Commands;
using MlNetTriplet.Cli.Report;
using MlNetTriplet.Cli.Running;
using static MlNetTriplet.Cli.Report.CommonSections;

namespace MlNetTriplet.Cli.Tabular;

/// <summary>The classification scenario's own flags.</summary>
/// <param name="Dataset">The CSV or TSV file.</param>
/// <param name="LabelColumn">The column to predict.</param>
/// <param name="Separator">--sep, or null to detect it.</param>
/// <param name="IgnoreColumns">Columns to leave out.</param>
internal sealed record ClassificationSettings(string Dataset, string LabelColumn, string? Separator, IReadOnlyList<string> IgnoreColumns);

/// <summary>A CSV or TSV file: columns described from their content, ML.NET preprocessing, the package's network
/// against ML.NET LightGBM on the same split and features, binary or multiclass from the label.</summary>
internal sealed class ClassificationScenario(ClassificationSettings settings) : IScenario
{
    /// <summary>The network's hidden layers (the bank-marketing recipe).</summary>
    internal static readonly int[] HiddenLayers = [64, 128, 64];
    private const int MaxEpochs = 100;
    private const int Patience = 8;
    private const double InnerValidationFraction = 0.1;
    private const int MisclassifiedShown = 10;

    public void Run(RunContext run)
    {
        var ml = run.Ml;
        var console = run.Console;
        var format = CsvFormat.Read(settings.Dataset, settings.Separator);
        var schema = run.Timings.Measure("reading and describing the data",
            () => TableSchema.Infer(ml, format, settings.LabelColumn, settings.IgnoreColumns, run.Settings.MaxRows));
        var label = schema.Label;
        console.Line($"Data: {format.Path} ({schema.Rows:N0} rows, separator {CsvFormat.Describe(format.Separator)})");
        console.Line($"  label '{label.Name}': " + (label.IsBinary
            ? $"binary, '{label.Positive}' positive ({label.Classes.Single(c => c.Value == label.Positive).Rows:N0} rows), '{label.Negative}' negative"
            : $"{label.Classes.Count} classes"));
        foreach (var group in schema.Features.GroupBy(c => c.KindName))
            console.Line($"  {group.Key}: {string.Join(", ", group.Select(c => c.Name))}");
        foreach (var ignored in schema.Columns.Where(c => c.Kind == ColumnKind.Ignored && c.Name != label.Name))
            console.Line($"  '{ignored.Name}' {ignored.Note}");

        IDataView data = schema.Loader(ml).Load(format.Path);
        if (run.Settings.MaxRows is int maxRows)
            data = ml.Data.TakeRows(data, maxRows);
        var split = ml.Data.StratifiedTrainTestSplit(data, run.Settings.ValidationFraction, label.Name, run.Settings.Seed);
        var (prep, trainFeatures, validFeatures, classNames) = run.Timings.Measure("preprocessing (ML.NET transforms)", () =>
        {
            var labels = schema.LabelMapping(ml).Fit(split.TrainSet);
            IDataView train = labels.Transform(split.TrainSet), valid = labels.Transform(split.TestSet);
            var fitted = schema.Preprocessing(ml).Fit(train);
            return (fitted, ml.Data.Cache(fitted.Transform(train)), ml.Data.Cache(fitted.Transform(valid)),
                label.IsBinary ? [label.Positive!, label.Negative] : KeyNames(train.Schema[TableSchema.LabelColumn]));
        });
        long trainRows = trainFeatures.GetRowCount() ?? 0, validRows = validFeatures.GetRowCount() ?? 0;
        int width = ((VectorDataViewType)trainFeatures.Schema[TableSchema.FeaturesColumn].Type).Size;
        console.Line($"  {trainRows:N0} training rows, {validRows:N0} held out (stratified, seed {run.Settings.Seed}); {width:N0} features after preprocessing");
        run.Output.Create();

        run.Budget.Start();
        console.Heading("ML.NET LightGBM baseline");
        var baseline = run.Timings.Measure("training the LightGBM baseline", () => label.IsBinary
            ? (ITransformer)ml.BinaryClassification.Trainers.LightGbm(TableSchema.LabelColumn, TableSchema.FeaturesColumn).Fit(trainFeatures)
            : ml.MulticlassClassification.Trainers.LightGbm(TableSchema.LabelColumn, TableSchema.FeaturesColumn).Fit(trainFeatures));
        var network = run.Timings.Measure("training the network", () => TrainNetwork(run, trainFeatures, label.IsBinary));

        var outcome = run.Timings.Measure("evaluating on the held-out rows", () => label.IsBinary
            ? ClassifierOutcome.Binary(ml, network.Model.Transform(validFeatures), baseline.Transform(validFeatures))
            : ClassifierOutcome.Multiclass(ml, network.Model.Transform(validFeatures), baseline.Transform(validFeatures)));
        var scored = network.Model.Transform(validFeatures);
        var wrong = MisclassifiedRows.MostConfident(scored, schema, classNames, MisclassifiedShown);

        string usage = run.Timings.Measure("saving the model (zip and ONNX) and the consumption project", () =>
        {
            // The saved model takes the file's raw columns; the label mapping stays out, so rows without a known
            // answer can be scored, and a multiclass prediction comes back as the class's name.
            var steps = new List<ITransformer> { prep, network.Model };
            if (!label.IsBinary)
                steps.Add(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(scored));
            var model = new TransformerChain<ITransformer>([.. steps]);
            ml.Model.Save(model, data.Schema, run.Output.ModelPath);
            run.Onnx = Export.OnnxOutput.Write(run, model, data);
            var example = split.TestSet.Preview(1).RowView[0].Values
                .Where(v => v.Key != label.Name).Select(v => v.Value switch
                {
                    float f when float.IsNaN(f) => "",
                    float f => f.ToString("G7", CultureInfo.InvariantCulture),
                    var other => other?.ToString() ?? "",
                }).ToList();
            return TabularConsumption.Write(run.Output, schema, example);
        });

        var report = new ClassificationReport(run, schema, network, outcome, classNames, wrong, trainRows, validRows, width);
        run.Timings.Measure("writing the report", () => report.Write(usage));
        console.Line(outcome.Sentence(label, validRows));
        console.Line($"Wrote {run.Output.ModelPath}, {run.Output.OnnxPath} (+ .json), {run.Output.MetricsPath}, {run.Output.ReportPath} and {run.Output.ConsumptionDirectory}/");
        network.Model.Dispose();
    }

    private static BudgetedNetwork<NeuralNetworkTransformer> TrainNetwork(RunContext run, IDataView trainFeatures, bool binary)
    {
        NeuralNetworkOptions options = binary ? new NeuralNetworkBinaryTrainer.Options() : new NeuralNetworkMulticlassTrainer.Options();
        options.LabelColumnName = TableSchema.LabelColumn;
        options.FeatureColumnName = TableSchema.FeaturesColumn;
        options.Architecture = new MlpArchitecture { HiddenLayers = HiddenLayers, HiddenDropout = 0.2f };
        options.L2 = 1e-4;
        options.ValidationFraction = InnerValidationFraction;
        options.EarlyStoppingPatience = Patience;
        options.LearningRateSchedule = LearningRateSchedule.Cosine;
        var ml = run.Ml;
        return BudgetedTraining.Fit(run, $"Network {string.Join('-', HiddenLayers)} ({(binary ? "binary" : "multiclass")})", options,
            o => binary
                ? ml.BinaryClassification.Trainers.NeuralNetwork((NeuralNetworkBinaryTrainer.Options)o).Fit(trainFeatures)
                : ml.MulticlassClassification.Trainers.NeuralNetwork((NeuralNetworkMulticlassTrainer.Options)o).Fit(trainFeatures),
            MaxEpochs, measureFirstEpoch: true);
    }

    private static List<string> KeyNames(DataViewSchema.Column key)
    {
        VBuffer<ReadOnlyMemory<char>> values = default;
        key.GetKeyValues(ref values);
        return values.DenseValues().Select(v => v.ToString()).ToList();
    }
}
