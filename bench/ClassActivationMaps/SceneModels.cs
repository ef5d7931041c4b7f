using Microsoft.ML;
using MlNetTriplet.Data;
using MlNetTriplet.Networks;
using MlNetTriplet.Tests.Explain;
using static TorchSharp.torch;

namespace MlNetTriplet.CamBench;

/// <summary>The scene CNN trained as the tests train it, and its untrained twin for the randomisation check.</summary>
internal static class SceneModels
{
    /// <summary>Where the localisation run saves its scene CNN for the cross-check to reuse.</summary>
    public static readonly string DefaultPath = Path.Combine(Path.GetTempPath(), "mlnettriplet-scene-cnn.zip");

    public static (ITransformer Model, CnnClassifierTransformer Classifier) Train(MLContext ml, IDataView train, int epochs,
        int seed)
    {
        var model = ClutterScenes.Pipeline(ml, epochs, seed).Fit(train);
        return (model, Classifier(model));
    }

    /// <summary>The scene CNN saved at <paramref name="path"/> when it exists, otherwise one trained now.</summary>
    public static (ITransformer Model, CnnClassifierTransformer Classifier) LoadOrTrain(MLContext ml, string path,
        Func<IDataView> train, int epochs, int seed)
    {
        if (!File.Exists(path))
            return Train(ml, train(), epochs, seed);
        Console.WriteLine($"using the scene CNN saved in {path}");
        var model = ml.Model.Load(path, out _);
        return (model, Classifier(model));
    }

    private static CnnClassifierTransformer Classifier(ITransformer model) =>
        ((IEnumerable<ITransformer>)model).OfType<CnnClassifierTransformer>().Single();

    /// <summary>The same architecture and labels with freshly initialised weights (seeded): what a map must not
    /// resemble (Adebayo et al.'s model randomisation test).</summary>
    public static CnnClassifierTransformer Randomised(CnnClassifierTransformer trained, DataViewSchema inputSchema, int seed)
    {
        manual_seed(seed);
        var labels = KeyValues.FromColumn(trained.GetOutputSchema(inputSchema)["PredictedLabel"]);
        var description = new CnnClassifierTransformer.Description(trained.FeatureColumnName, trained.ImageShape,
            trained.Architecture, trained.ClassCount, 64, "cpu", null);
        return new CnnClassifierTransformer(description, labels, new CnnModule(trained.Architecture, trained.ImageShape, trained.ClassCount));
    }
}
