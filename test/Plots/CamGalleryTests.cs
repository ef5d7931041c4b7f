using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Plots;
using MlNetTriplet.Tests.Explain;
using SkiaSharp;

namespace MlNetTriplet.Tests.Plots;

[TestClass]
public sealed class CamGalleryTests
{
    [TestMethod]
    public void Save_WithSelection_DrawsOnlyTheRowsWhosePredictionIsRightOrWrong()
    {
        using var classifier = CamTestModels.Cnn(CamTestModels.SmallGap, seed: 21);
        using var maps = Maps(classifier);
        var explained = Explain(classifier, maps);
        int wrong = WrongCount(explained);
        Assert.IsTrue(wrong is > 0 and < Rows, $"the random network gets some scenes right and some wrong: {wrong} wrong");
        string dir = TestData.TempDirectory();
        try
        {
            Assert.AreEqual(wrong, CamGallery.Save(explained, Path.Combine(dir, "wrong.png"),
                new CamGalleryOptions { ImageColumnName = "Input", Selection = CamGallerySelection.Wrong, MaxImages = Rows }));
            Assert.AreEqual(Rows - wrong, CamGallery.Save(explained, Path.Combine(dir, "correct.png"),
                new CamGalleryOptions { ImageColumnName = "Input", Selection = CamGallerySelection.Correct, MaxImages = Rows }));
            Assert.AreEqual(5, CamGallery.Save(explained, Path.Combine(dir, "five.png"),
                new CamGalleryOptions { ImageColumnName = "Input", BoxColumnName = "Box", MaxImages = 5 }));
            Assert.IsTrue(File.Exists(Path.Combine(dir, "wrong.png")) && File.Exists(Path.Combine(dir, "correct.png")));
            // Compared with itself as the true label, no prediction is wrong: nothing to draw, no file.
            Assert.AreEqual(0, CamGallery.Save(explained, Path.Combine(dir, "none.png"), new CamGalleryOptions
            {
                ImageColumnName = "Input", LabelColumnName = "PredictedLabel", Selection = CamGallerySelection.Wrong,
            }));
            Assert.IsFalse(File.Exists(Path.Combine(dir, "none.png")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void Save_WithoutAMapColumn_DrawsTheImagesAsTheyAre()
    {
        using var classifier = CamTestModels.Cnn(CamTestModels.SmallGap, seed: 22);
        using var maps = Maps(classifier);
        var explained = Explain(classifier, maps);
        var image = explained.GetColumn<float[]>("Input").First();
        string dir = TestData.TempDirectory();
        try
        {
            // One 48 px image in a 48 px tile, no title: drawn at scale 1, 12 px from the top-left corner.
            string plain = Path.Combine(dir, "plain.png"), overlay = Path.Combine(dir, "overlay.png");
            var options = new CamGalleryOptions { ImageColumnName = "Input", MapColumnName = null, MaxImages = 1, TileSize = 48 };
            CamGallery.Save(explained, plain, options);
            options.MapColumnName = "ActivationMap";
            CamGallery.Save(explained, overlay, options);
            using var photo = SKBitmap.Decode(plain);
            using var blended = SKBitmap.Decode(overlay);
            int plane = ClutterScenes.Side * ClutterScenes.Side, differing = 0;
            foreach (var (x, y) in new[] { (0, 0), (10, 30), (24, 24), (47, 47) })
            {
                int i = y * ClutterScenes.Side + x;
                byte Channel(int c) => (byte)Math.Round(image[c * plane + i] * 255);
                Assert.AreEqual(new SKColor(Channel(0), Channel(1), Channel(2)), photo.GetPixel(12 + x, 12 + y), $"pixel ({x}, {y})");
                differing += blended.GetPixel(12 + x, 12 + y) != photo.GetPixel(12 + x, 12 + y) ? 1 : 0;
            }
            Assert.IsGreaterThan(0, differing, "with the map column the same pixels are blended with the heat map");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void Save_WithAMissingColumn_ThrowsNamingIt()
    {
        using var classifier = CamTestModels.Cnn(CamTestModels.SmallGap, seed: 23);
        using var maps = Maps(classifier);
        var explained = Explain(classifier, maps);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => CamGallery.Save(explained, "g.png",
            new CamGalleryOptions { ImageColumnName = "Input", MapColumnName = "Heat" })).Message, "Heat");
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => CamGallery.Save(explained, "g.png",
            new CamGalleryOptions { ImageColumnName = "Features", MapColumnName = null })).Message, "shape");
    }

    private const int Rows = 24;

    private static readonly IDataView Scenes = CamMaps.Scenes(Rows);

    /// <summary>CAM of <paramref name="classifier"/> with the box and network input ("Input") columns.</summary>
    private static ClassActivationMapTransformer Maps(CnnClassifierTransformer classifier) =>
        CamMaps.Ml.Transforms.ClassActivationMaps(classifier, new ClassActivationMapOptions
        {
            Method = CamMethod.Cam, BoxColumnName = "Box", PreparedImageColumnName = "Input",
        }).Fit(Scenes);

    /// <summary>The scenes scored by the classifier (random weights: some right, some wrong), then explained.</summary>
    private static IDataView Explain(CnnClassifierTransformer classifier, ClassActivationMapTransformer maps) =>
        maps.Transform(classifier.Transform(Scenes));

    private static int WrongCount(IDataView explained)
    {
        var labels = explained.GetColumn<string>("Label").ToArray();
        var predicted = explained.GetColumn<uint>("PredictedLabel").Select(k => ClutterScenes.Classes[k - 1]);
        return labels.Zip(predicted).Count(p => p.First != p.Second);
    }
}
