using Microsoft.ML;
using Microsoft.ML.Data;
// README:start
using MlNetTriplet.Plots;   // CamGallery: the MlNetTriplet.Plots package
// README:end
using MlNetTriplet.Tests.TransferLearning;

namespace MlNetTriplet.Tests.Readme;

/// <summary>The README's class activation maps block: a transfer-learning classifier of six Caltech 101 classes, its
/// CAM over the validation photos, and the gallery of the wrong predictions.</summary>
[TestClass]
public sealed class ClassActivationMapsSnippet
{
    [TestMethod]
    public void ClassActivationMapsSnippet_MapsTheValidationPhotosAndDrawsTheWrongOnes()
    {
        var ml = new MLContext(seed: 1);
        string folder = TestData.TempDirectory();
        try
        {
            // What a user has: photos/train and photos/val, a sub-folder per class (here every 6th photo of data/caltech101).
            foreach (string split in new[] { "train", "val" })
                foreach (var photo in CaltechPhotos.List(ml, split, every: 6))
                {
                    string target = Path.Combine(folder, "photos", split, photo.Label, Path.GetFileName(photo.ImagePath));
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Copy(photo.ImagePath, target);
                }
            ReadmeSnippets.InFolder(folder, () =>
            {
                // README:start
                IDataView photos = ml.Data.LoadFromImageFolder("photos/train");   // photos/train/<class>/*.jpg
                IDataView validation = ml.Data.LoadFromImageFolder("photos/val");
                var classifier = ml.Transforms.Conversion.MapValueToKey("Label")
                    .Append(ml.MulticlassClassification.Trainers.TransferLearning())
                    .Fit(photos);
                using var maps = ml.Transforms.ClassActivationMaps(classifier, new ClassActivationMapOptions
                {
                    Method = CamMethod.Cam, PreparedImageColumnName = "PreparedImage", BoxColumnName = "Box",
                }).Fit(validation);
                // Adds ActivationMap (224 x 224 values in [0, 1]), ExplainedLabel, Box and PreparedImage.
                IDataView explained = maps.Transform(classifier.Transform(validation));
                CamGallery.Save(explained, "wrong.png", new() { BoxColumnName = "Box", Selection = CamGallerySelection.Wrong });
                // README:end

                // One pass over the photos for every check below.
                var rows = ml.Data.Cache(explained, "ActivationMap", "ExplainedLabel", "PredictedLabel", "Label");
                var mapsRead = rows.GetColumn<float[]>("ActivationMap").ToList();
                Assert.HasCount(validation.GetColumn<string>("Label").Count(), mapsRead);
                Assert.IsTrue(mapsRead.All(m => m.Length == 224 * 224 && m.Min() == 0 && m.Max() == 1), "one map per photo, in [0, 1]");
                var predicted = rows.GetColumn<uint>("PredictedLabel").ToArray();
                CollectionAssert.AreEqual(predicted, rows.GetColumn<uint>("ExplainedLabel").ToArray(), "CAM explains the predicted class");
                bool anyWrong = predicted.Zip(rows.GetColumn<uint>("Label")).Any(p => p.First != p.Second);
                Assert.AreEqual(anyWrong, File.Exists("wrong.png"), "the gallery is written when a prediction is wrong");
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
