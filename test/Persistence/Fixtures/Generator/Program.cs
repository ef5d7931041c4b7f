// Usage: Generator <output folder>
// Trains four small models on the first Fashion-MNIST training images, saves each as a model zip, and writes the
// output column each model gives for the first 20 test images (one line per row, round-trip floats, as
// test/ModelProbe writes them). The tests load these zips with the current build and compare.
using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet;
using MlNetTriplet.Projection;

const string Fashion = "/usr/share/datasets/fashion-mnist";
const int ProbeRows = 20;
string output = Path.GetFullPath(args[0]);
Directory.CreateDirectory(output);

var ml = new MLContext(seed: 0);
IDataView train = ml.Data.LoadFromIdx(Path.Combine(Fashion, "train-images-idx3-ubyte.gz"),
    Path.Combine(Fashion, "train-labels-idx1-ubyte.gz"), 1000);
IDataView probe = ml.Data.LoadFromIdx(Path.Combine(Fashion, "t10k-images-idx3-ubyte.gz"),
    Path.Combine(Fashion, "t10k-labels-idx1-ubyte.gz"), ProbeRows);
var smallMlp = new MlpArchitecture { HiddenLayers = [16] };

Save("cnn", "Score", ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnClassifierTrainer.Options
    {
        NumberOfEpochs = 2,
        Architecture = new CnnArchitecture
        {
            Blocks = [new ConvBlock { Filters = 8, BatchNorm = true }, new ConvBlock { Filters = 16 }],
            DenseUnits = [32],
        },
    })));
Save("tabular", "Score", ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkMulticlassTrainer.Options
    {
        NumberOfEpochs = 2, Architecture = smallMlp,
    })));
var triplet = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.Transforms.TripletEmbedding(new TripletEmbeddingOptions
    {
        NumberOfEpochs = 2, Mlp = smallMlp, EmbeddingSize = 8,
    }));
Save("triplet", "Embedding", triplet);
Save("umap", "Umap", triplet.Append(ml.Transforms.ProjectToUmap("Umap", "Embedding", new UmapOptions { Seed = 0, MaxThreads = 1 })));

File.WriteAllText(Path.Combine(output, "written-by.txt"),
    $"MlNetTriplet {Version(typeof(CnnClassifierTrainer))}, Microsoft.ML {Version(typeof(MLContext))}, " +
    $"TorchSharp {Version(typeof(TorchSharp.torch))}\n");

void Save<T>(string name, string column, IEstimator<T> pipeline) where T : class, ITransformer
{
    var model = pipeline.Fit(train);
    ml.Model.Save(model, train.Schema, Path.Combine(output, name + ".zip"));
    var values = model.Transform(probe).Schema[column].Type is VectorDataViewType
        ? model.Transform(probe).GetColumn<float[]>(column)
        : model.Transform(probe).GetColumn<float>(column).Select(v => new[] { v });
    File.WriteAllLines(Path.Combine(output, name + ".expected.txt"),
        values.Select(row => string.Join(' ', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
    Console.WriteLine($"{name}: {new FileInfo(Path.Combine(output, name + ".zip")).Length:N0} bytes");
}

static string Version(Type type) =>
    type.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
