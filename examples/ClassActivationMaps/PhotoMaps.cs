using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet;
using MlNetTriplet.Plots;

namespace ClassActivationMaps;

/// <summary>Photos: a frozen ImageNet ResNet-18 with a new head, then CAM of the predicted class (the head's weights on
/// the last block, exact) and Grad-CAM of the predicted class against the runner-up (the logit difference: what tells
/// the predicted class from the next likeliest one; for this head the same as ReLU of the difference of the two
/// classes' CAMs).</summary>
internal static class PhotoMaps
{
    public static int Run(ExampleOptions o)
    {
        if (!Directory.Exists(o.DataDirectory))
        {
            Console.Error.WriteLine($"No image folder at {Path.GetFullPath(o.DataDirectory)}: pass --data-dir (train/ and val/, a sub-folder per class).");
            return 2;
        }
        var ml = new MLContext(o.Seed);
        var splits = ImageFolderSplits.Find(o.DataDirectory);
        var train = ml.Data.LoadFromImageFolder(splits.Train);
        // Shuffled (seeded) so that the galleries show both classes, not the first folder's photos.
        var validation = ml.Data.ShuffleRows(ml.Data.LoadFromImageFolder(splits.Validation), o.Seed);
        var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
        Console.WriteLine($"Training a transfer-learning classifier on {splits.Train} ({o.Epochs} epochs, frozen ResNet-18)...");
        var classifier = ml.MulticlassClassification.Trainers.TransferLearning(new TransferLearningTrainer.Options
        {
            NumberOfEpochs = o.Epochs, Seed = o.Seed,
        }).Fit(keys.Transform(train));
        var model = new TransformerChain<ITransformer>(keys, classifier);
        var scored = model.Transform(validation);
        Console.WriteLine($"validation accuracy {ml.MulticlassClassification.Evaluate(scored).MicroAccuracy:F3}");

        foreach (var (method, target) in new[] { (CamMethod.Cam, CamTarget.PredictedClass), (CamMethod.GradCam, CamTarget.PredictedVersusRunnerUp) })
        {
            using var maps = ml.Transforms.ClassActivationMaps(model, new ClassActivationMapOptions
            {
                Method = method, Target = target, PreparedImageColumnName = "PreparedImage", BoxColumnName = "Box",
            }).Fit(validation);
            var explained = maps.Transform(scored);
            foreach (var selection in new[] { CamGallerySelection.Correct, CamGallerySelection.Wrong })
            {
                string path = Path.Combine(o.OutputDirectory, $"photos-{method.ToString().ToLowerInvariant()}-{selection.ToString().ToLowerInvariant()}.png");
                int drawn = CamGallery.Save(explained, path, new CamGalleryOptions
                {
                    BoxColumnName = "Box", Selection = selection, MaxImages = 16, Columns = 4,
                    Title = method == CamMethod.Cam
                        ? $"CAM of the predicted class, {selection.ToString().ToLowerInvariant()} predictions"
                        : $"Grad-CAM, predicted minus runner-up, {selection.ToString().ToLowerInvariant()}",
                });
                Console.WriteLine(drawn > 0 ? $"wrote {path} ({drawn} photos)" : $"no {selection.ToString().ToLowerInvariant()} predictions for {path}");
            }
        }
        return SaveAndReload(ml, model, validation, o.OutputDirectory);
    }

    /// <summary>The classifier and its CAM in one zip; reloaded, it gives the same maps.</summary>
    private static int SaveAndReload(MLContext ml, ITransformer model, IDataView validation, string outputDirectory)
    {
        using var maps = ml.Transforms.ClassActivationMaps(model, CamMethod.Cam).Fit(validation);
        var explainer = ((TransformerChain<ITransformer>)model).Append(maps);
        string zip = Path.Combine(outputDirectory, "photos-classifier-with-cam.zip");
        ml.Model.Save(explainer, validation.Schema, zip);
        var first = ml.Data.TakeRows(validation, 4);
        var before = explainer.Transform(first).GetColumn<float[]>("ActivationMap").ToArray();
        var after = ml.Model.Load(zip, out _).Transform(first).GetColumn<float[]>("ActivationMap").ToArray();
        bool same = before.Zip(after).All(p => p.First.SequenceEqual(p.Second));
        Console.WriteLine($"saved {zip}; reloaded, its maps are {(same ? "identical" : "DIFFERENT")}");
        return same ? 0 : 1;
    }
}
