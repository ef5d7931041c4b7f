using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Classification;

/// <summary>RGB photos through ML.NET ImageAnalytics (LoadImages, ResizeImages, ExtractPixels) into the CNN, with
/// text labels. The images are real Fashion-MNIST items written as colour PNG files.</summary>
[TestClass]
public sealed class CnnImageAnalyticsTests
{
    private sealed class Photo
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }

    private sealed class Named
    {
        public string PredictedName { get; set; } = "";
    }

    private static List<Photo> WritePhotos(IDataView source, string dir, string prefix) =>
        FashionPhotos.Write(source, dir, prefix).Select(p => new Photo { ImagePath = p.Path, Label = p.Label }).ToList();

    [TestMethod]
    public void Fit_OnRgbPngsViaImageAnalytics_LearnsAndPredictsTextLabels()
    {
        var ml = new MLContext(seed: 1);
        string dir = TestData.TempDirectory();
        try
        {
            var train = ml.Data.LoadFromEnumerable(WritePhotos(TestData.FashionTrain(ml, 1500), dir, "train"));
            var test = ml.Data.LoadFromEnumerable(WritePhotos(TestData.FashionTest(ml, 300), dir, "test"));
            var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.Transforms.LoadImages("Image", imageFolder: "", inputColumnName: "ImagePath"))
                .Append(ml.Transforms.ResizeImages("Image", 32, 32))
                .Append(ml.Transforms.ExtractPixels("Features", "Image", interleavePixelColors: false, scaleImage: 1f / 255))
                .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnClassifierTrainer.Options
                {
                    NumberOfEpochs = 3, ImageShape = new ImageShape(3, 32, 32),
                }))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedName", "PredictedLabel"));
            var model = pipeline.Fit(train);

            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
            Assert.IsGreaterThan(0.6, metrics.MicroAccuracy, $"accuracy {metrics.MicroAccuracy} (chance 0.1)");
            var names = ml.Data.CreateEnumerable<Named>(model.Transform(test), reuseRowObject: false).ToList();
            Assert.IsTrue(names.All(n => FashionPhotos.ClassNames.Contains(n.PredictedName)), "predictions map back to the text labels");

            string zip = Path.Combine(dir, "photos.zip");
            ml.Model.Save(model, train.Schema, zip);
            var loaded = new MLContext().Model.Load(zip, out _);
            CollectionAssert.AreEqual(names.Select(n => n.PredictedName).ToArray(),
                ml.Data.CreateEnumerable<Named>(loaded.Transform(test), reuseRowObject: false).Select(n => n.PredictedName).ToArray());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
