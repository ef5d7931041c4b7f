using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MlNetTriplet.Cli.Commands;
using MlNetTriplet.Cli.Consumption;
using MlNetTriplet.Cli.Report;
using MlNetTriplet.Cli.Running;
using MlNetTriplet.Cli.Tabular;

namespace MlNetTriplet.Cli.Images;

/// <summary>A folder of photos by class: transfer learning from the ImageNet ResNet-18 (a new head on its frozen
/// features, or its last block fine-tuned too), measured on the validation photos.</summary>
internal sealed class ImageClassificationScenario(string dataset, TransferMode mode) : IScenario
{
    /// <summary>The key label column the trainer reads (the folder names stay in <c>Label</c>).</summary>
    internal const string KeyColumn = "LabelKey";
    internal const int BatchSize = 32;
    private const int MisclassifiedShown = 16;

    public TransferMode Mode => mode;

    public void Run(RunContext run)
    {
        var ml = run.Ml;
        var console = run.Console;
        var images = run.Timings.Measure("finding the photos", () => ImageDataset.Load(run, dataset));
        var trainCounts = images.Count(images.Train);
        var validCounts = images.Count(images.Validation);
        console.Line($"Data: {images.Folder}: {images.Classes.Count} classes, {trainCounts.Sum():N0} training and {validCounts.Sum():N0} validation photos ({images.Layout})");
        if (images.UnreadableLine() is { } unreadable)
            console.Line(unreadable);
        run.Output.Create();

        var keys = ml.Transforms.Conversion.MapValueToKey(KeyColumn, "Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Fit(images.Train);
        IDataView train = keys.Transform(images.Train), valid = keys.Transform(images.Validation);
        bool frozen = mode == TransferMode.FrozenBackbone;
        var options = new TransferLearningTrainer.Options
        {
            Mode = mode, LabelColumnName = KeyColumn, ImageColumnName = "ImagePath", BatchSize = BatchSize,
            EarlyStoppingPatience = frozen ? 5 : 3, SkipUnreadableImages = true,
            LearningRateSchedule = frozen ? LearningRateSchedule.Constant : LearningRateSchedule.Cosine,
        };
        var network = run.Timings.Measure(frozen ? "features of every photo, then training the head" : "fine-tuning", () =>
            BudgetedTraining.Fit(run, frozen ? "ResNet-18 features, then a new head" : "ResNet-18, last block and a new head", options,
                o => ml.MulticlassClassification.Trainers.TransferLearning(o).Fit(train, valid),
                maxEpochs: frozen ? 30 : 15, measureFirstEpoch: !frozen));

        // Cached: the evaluation and the list of predictions read it, and each read runs the backbone on every photo.
        var scored = ml.Data.Cache(network.Model.Transform(valid));
        var metrics = run.Timings.Measure("evaluating on the validation photos", () => ml.MulticlassClassification.Evaluate(scored, KeyColumn));
        var predictions = Predictions(scored, images.Classes);

        string usage = run.Timings.Measure("saving the model (zip and ONNX) and the consumption project", () =>
        {
            // Photos in, class names out: the key-to-name step is saved with the network.
            var model = new TransformerChain<ITransformer>(network.Model, ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(scored));
            ml.Model.Save(model, images.Train.Schema, run.Output.ModelPath);
            run.Onnx = Export.OnnxOutput.Write(run, model, images.Train);
            string example = TabularConsumption.ShellQuote(ShownPath.From(run.Output.ConsumptionDirectory, predictions[0].Path));
            ConsumptionProject.Write(run.Output, new Dictionary<string, string>
            {
                ["Scenario"] = "image-classification",
                ["Dataset"] = Path.GetFileName(images.Folder),
                ["Usage"] = example,
                ["ClassNames"] = string.Join(", ", images.Classes.Select(TabularConsumption.Literal)),
            }, "ImageProgram.txt", ["model.zip"]);
            return example;
        });

        var cams = run.Timings.Measure("class activation maps", () => CamSection.Draw(run, network.Model, predictions));
        var report = new ImageClassificationReport(run, this, images, trainCounts, validCounts, network, metrics, predictions, MisclassifiedShown, cams);
        run.Timings.Measure("writing the report", () => report.Write(usage));
        console.Line(ImageClassificationReport.Sentence(metrics, validCounts.Sum(), images.Classes.Count));
        console.Line($"Wrote {run.Output.ModelPath}, {run.Output.OnnxPath} (+ .json), {run.Output.MetricsPath}, {run.Output.ReportPath} and {run.Output.ConsumptionDirectory}/");
        network.Model.Dispose();
    }

    /// <summary>Every validation photo's true and predicted class and the probability given to the prediction.</summary>
    private static List<(string Path, string Truth, string Predicted, double Confidence)> Predictions(IDataView scored,
        IReadOnlyList<string> classes)
    {
        var list = new List<(string, string, string, double)>();
        using var cursor = scored.GetRowCursor(scored.Schema.Where(c => c.Name is "ImagePath" or KeyColumn or "PredictedLabel" or "Score"));
        var path = cursor.GetGetter<ReadOnlyMemory<char>>(scored.Schema["ImagePath"]);
        var truth = cursor.GetGetter<uint>(scored.Schema[KeyColumn]);
        var predicted = cursor.GetGetter<uint>(scored.Schema["PredictedLabel"]);
        var score = cursor.GetGetter<VBuffer<float>>(scored.Schema["Score"]);
        ReadOnlyMemory<char> p = default;
        uint t = 0, k = 0;
        VBuffer<float> s = default;
        while (cursor.MoveNext())
        {
            path(ref p);
            truth(ref t);
            predicted(ref k);
            score(ref s);
            list.Add((p.ToString(), classes[(int)t - 1], classes[(int)k - 1], s.GetItemOrDefault((int)k - 1)));
        }
        return list;
    }
}
