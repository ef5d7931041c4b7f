using Microsoft.ML;
using Microsoft.ML.Data;
// README:start
using MlNetTriplet.Plots;   // ScatterPlots: the MlNetTriplet.Plots package
// README:end

namespace MlNetTriplet.Tests.Readme;

/// <summary>The README's UMAP block: fit on training images, place test images, plot them.</summary>
[TestClass]
public sealed class UmapSnippet
{
    [TestMethod]
    public void UmapSnippet_PlacesTestImagesAndPlotsThem()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = TestData.FashionTrain(ml, 1000), test = TestData.FashionTest(ml, 200);
        string folder = TestData.TempDirectory();
        try
        {
            IDataView? projected = null;
            ReadmeSnippets.InFolder(folder, () =>
            {
                // README:start
                var pipeline = ml.Transforms.ProjectToUmap("Umap", "Features", new UmapOptions
                {
                    NeighborCount = 15, MinDistance = 0.1f, Metric = DistanceMetric.Euclidean,   // umap-learn's names and defaults
                });
                var model = pipeline.Fit(train);                       // learns the training layout
                IDataView placed = model.Transform(test);              // new rows placed among the training points (transform())
                ScatterPlots.SaveScatter(placed, "Umap", "Label", "test-map.png", "Fashion-MNIST test images");
                // README:end
                projected = placed;
            });

            Assert.IsTrue(projected!.GetColumn<float[]>("Umap").All(p => p.Length == 2 && p.All(float.IsFinite)));
            Assert.IsTrue(new FileInfo(Path.Combine(folder, "test-map.png")).Length > 0);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
