using Microsoft.ML;
using MlNetTriplet.Tests.TransferLearning;

namespace MlNetTriplet.Tests.Readme;

/// <summary>The README's photo embedding block: an image folder of real photos (data/caltech101, every second photo of
/// six classes: 60 training and 30 validation photos, copied to the photos/ folder the block reads), the ImageNet
/// ResNet-18 frozen, the multi-similarity loss in P x K batches, retrieval metrics and a saved zip.</summary>
[TestClass]
public sealed class PhotoEmbeddingSnippet
{
    [TestMethod]
    public void PhotoEmbeddingSnippet_TrainsOnAFolderAndRetrievesItsValidationPhotos()
    {
        var ml = new MLContext(seed: 0);
        string folder = TestData.TempDirectory();
        try
        {
            CaltechPhotos.CopyAsImageFolder(ml, folder, every: 2);
            ReadmeSnippets.InFolder(folder, () =>
            {
                // README:start
                // The ImageNet weights come with the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18: add it to the app.
                IDataView photos = ml.Data.LoadFromImageFolder("photos/train");   // ImagePath, Label: a sub-folder per class
                var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(photos);
                var embedder = ml.Transforms.TripletEmbedding(new TripletEmbeddingOptions
                {
                    FeatureColumnName = "ImagePath",             // file paths, a LoadImages column or prepared pixels
                    BackboneMode = TransferMode.FrozenBackbone,  // the default; or FineTuneLastBlocks, FineTuneAll
                    Loss = TripletLossKind.MultiSimilarity,      // or Margin (the default), Contrastive, ProxyAnchor
                    ClassesPerBatch = 6, SamplesPerClass = 4,    // P x K batches: the default sampling of photos
                    EmbeddingSize = 128, NumberOfEpochs = 10,
                }).Fit(keys.Transform(photos));
                IDataView validation = keys.Transform(ml.Data.LoadFromImageFolder("photos/val"));
                EmbeddingMetrics retrieval = ml.Embeddings().Evaluate(embedder.Transform(validation));   // P@1, MAP@R, ...
                Console.WriteLine(retrieval);
                ml.Model.Save(keys.Append(embedder), photos.Schema, "photo-embeddings.zip");   // backbone and head inside
                // README:end
                // P@1 0.900, MAP@R 0.810 on the 30 validation photos; chance is 1 in 6.
                Assert.IsGreaterThan(0.8, retrieval.PrecisionAt1, retrieval.ToString());
                Assert.IsTrue(File.Exists("photo-embeddings.zip"));
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
