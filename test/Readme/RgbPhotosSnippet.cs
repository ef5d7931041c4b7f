using Microsoft.ML;
// README:start
using Microsoft.ML.Data;   // LoadColumn
// README:end
using MlNetTriplet.Tests.Classification;

namespace MlNetTriplet.Tests.Readme;

/// <summary>The README's RGB photos block: PNG files listed in a TSV, through ML.NET ImageAnalytics into the CNN.</summary>
[TestClass]
public sealed class RgbPhotosSnippet
{
    [TestMethod]
    public void RgbPhotosSnippet_TrainsOnThePhotosItsTsvLists()
    {
        var ml = new MLContext(seed: 1);
        string folder = TestData.TempDirectory();
        try
        {
            // What a user has: photos/*.png and photos.tsv naming each file and its class.
            string photoFolder = Directory.CreateDirectory(Path.Combine(folder, "photos")).FullName;
            var written = FashionPhotos.Write(TestData.FashionTrain(ml, 48), photoFolder, "item");
            File.WriteAllLines(Path.Combine(folder, "photos.tsv"),
                ["ImagePath\tLabel", .. written.Select(p => $"{Path.GetFileName(p.Path)}\t{p.Label}")]);
            ReadmeSnippets.InFolder(folder, () =>
            {
                // README:start
                // LoadImages, ResizeImages and ExtractPixels come with the package Microsoft.ML.ImageAnalytics.
                string imageFolder = "photos";                          // the folder the ImagePath values are in
                IDataView photos = ml.Data.LoadFromTextFile<Photo>("photos.tsv", hasHeader: true);
                var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
                    .Append(ml.Transforms.LoadImages("Image", imageFolder, "ImagePath"))
                    .Append(ml.Transforms.ResizeImages("Image", 64, 64))
                    .Append(ml.Transforms.ExtractPixels("Features", "Image", interleavePixelColors: false, scaleImage: 1f / 255))
                    .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnClassifierTrainer.Options { ImageShape = new(3, 64, 64) }));
                var model = pipeline.Fit(photos);
                // README:end
                // The data views read the files lazily, relative to this folder.
                var scores = model.Transform(photos).GetColumn<float[]>("Score").ToList();
                Assert.HasCount(written.Count, scores);
                Assert.IsTrue(scores.All(s => Math.Abs(s.Sum() - 1) < 1e-4), "each row gets class probabilities");
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

// README:start
public sealed class Photo
{
    [LoadColumn(0)] public string ImagePath { get; set; } = "";
    [LoadColumn(1)] public string Label { get; set; } = "";
}
// README:end
