using System.Diagnostics;
using Microsoft.ML;
using MlNetTriplet;

string root = args.Length > 0 ? args[0] : "../shared/data/hymenoptera";
var mode = args.Length > 1 ? Enum.Parse<TransferMode>(args[1]) : TransferMode.FrozenBackbone;
int epochs = args.Length > 2 ? int.Parse(args[2]) : 10;
int seed = args.Length > 3 ? int.Parse(args[3]) : 0;
var ml = new MLContext(seed: seed);
var splits = ImageFolderSplits.Find(root);
var train = ml.Data.LoadFromImageFolder(splits.Train);
var val = ml.Data.LoadFromImageFolder(splits.Validation);
var clock = Stopwatch.StartNew();
var options = new TransferLearningTrainer.Options
{
    Mode = mode, NumberOfEpochs = epochs, Seed = seed,
    MetricsCallback = m => Console.WriteLine($"  {m}  {clock.Elapsed.TotalSeconds:F1}s"),
    ProgressCallback = p => { if (p.Step == p.Steps) Console.WriteLine($"    {p}"); },
};
var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
var classifier = ml.MulticlassClassification.Trainers.TransferLearning(options).Fit(keys.Transform(train), keys.Transform(val));
Console.WriteLine($"fit {clock.Elapsed.TotalSeconds:F1}s");
clock.Restart();
var metrics = ml.MulticlassClassification.Evaluate(classifier.Transform(keys.Transform(val)));
Console.WriteLine($"val accuracy {metrics.MicroAccuracy:F4} ({clock.Elapsed.TotalSeconds:F1}s)");
