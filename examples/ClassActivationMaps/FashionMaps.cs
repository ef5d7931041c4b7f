using Microsoft.ML;
using MlNetTriplet;
using MlNetTriplet.Examples;
using MlNetTriplet.Plots;

namespace ClassActivationMaps;

/// <summary>Fashion-MNIST: a small CNN whose head is global average pooling and one dense layer (what CAM needs), and
/// the CAM of its test images, which are already the network's input (1 x 28 x 28 in [0, 1]).</summary>
internal static class FashionMaps
{
    private static readonly CnnArchitecture Architecture = new()
    {
        Blocks =
        [
            new ConvBlock { Filters = 32, BatchNorm = true },
            new ConvBlock { Filters = 64, BatchNorm = true },
            new ConvBlock { Filters = 128, BatchNorm = true, Pooling = Pooling.None },
        ],
        Head = CnnHead.GlobalAveragePool,
    };

    public static int Run(ExampleOptions o)
    {
        var files = DataFiles.Locate(o.FashionDirectory, o.FashionDirectoryGiven);
        if (files is null)
            return 2;
        var ml = new MLContext(o.Seed);
        var train = ml.Data.LoadFromIdx(files.TrainImages, files.TrainLabels, o.FashionRows);
        var test = ml.Data.LoadFromIdx(files.TestImages, files.TestLabels, 2000);
        var names = Enumerable.Range(0, 10).Select(i => new KeyValuePair<uint, string>((uint)i, ClassNames.Of((uint)i, ClassNameSet.Fashion)));
        Console.WriteLine($"Training a Fashion-MNIST CNN with a global-average-pool head ({o.FashionEpochs} epochs, {o.FashionRows} images)...");
        var model = ml.Transforms.Conversion.MapValue("Label", names, "Label")
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnClassifierTrainer.Options
            {
                Architecture = Architecture, NumberOfEpochs = o.FashionEpochs, Seed = o.Seed,
            }))
            .Fit(train);
        var scored = model.Transform(test);
        Console.WriteLine($"Fashion-MNIST test accuracy {ml.MulticlassClassification.Evaluate(scored).MicroAccuracy:F3}");
        using var maps = ml.Transforms.ClassActivationMaps(model, CamMethod.Cam).Fit(test);
        var explained = maps.Transform(scored);
        foreach (var selection in new[] { CamGallerySelection.Correct, CamGallerySelection.Wrong })
        {
            string path = Path.Combine(o.OutputDirectory, $"fashion-cam-{selection.ToString().ToLowerInvariant()}.png");
            int drawn = CamGallery.Save(explained, path, new CamGalleryOptions
            {
                ImageColumnName = "Features", Selection = selection, MaxImages = 24, Columns = 6, TileSize = 168,
                Title = $"Fashion-MNIST CAM, {selection.ToString().ToLowerInvariant()} predictions",
            });
            Console.WriteLine($"wrote {path} ({drawn} images)");
        }
        return 0;
    }
}
