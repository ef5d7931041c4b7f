// The README's quick start as a whole program. Not part of the test project: ConsumerAppTests builds it in an
// application outside the repository (a ProjectReference and a libtorch package) and runs it beside small copies of
// the Fashion-MNIST files.
// README:start
using Microsoft.ML;
using MlNetTriplet;

var ml = new MLContext(seed: 1);
IDataView train = ml.Data.LoadFromIdx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
IDataView test = ml.Data.LoadFromIdx("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnClassifierTrainer.Options
    {
        NumberOfEpochs = 5,
        ValidationFraction = 0.1,
        EarlyStoppingPatience = 2,
        MetricsCallback = m => Console.WriteLine(m),
    }))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

var model = pipeline.Fit(train);
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
Console.WriteLine($"Test accuracy {metrics.MicroAccuracy:P1}");
ml.Model.Save(model, train.Schema, "fashion-cnn.zip");       // loads back with ml.Model.Load, in any process

// The chain ends with MapKeyToValue; the CNN inside it keeps the training history (the MlNetTriplet.Plots package
// draws it: TrainingPlots.SaveLossCurves(cnn.History!, "loss-curves.png")).
var cnn = model.OfType<CnnClassifierTransformer>().Single();
Console.WriteLine($"Best epoch {cnn.History!.BestEpoch} of {cnn.History.Epochs.Count}");
// README:end
