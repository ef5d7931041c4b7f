using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Backbones;
using MlNetTriplet.Networks;
using MlNetTriplet.Tests.Export;
using MlNetTriplet.Tests.TransferLearning;
using static TorchSharp.torch;

namespace MlNetTriplet.Tests.Embeddings;

/// <summary><see cref="PhotoEmbeddingSource.BackboneAndPretrained"/>'s network without training: with the pretrained
/// weights in both branches, both halves of every embedding are the backbone's pooled features, L2-normalised and
/// scaled by 1/sqrt(2), whether the branches share the frozen blocks (last block fine-tuned) or nothing
/// (<see cref="TransferMode.FineTuneAll"/>); the model saves, loads and exports to ONNX the same.</summary>
[TestClass]
public sealed class PretrainedBranchTests
{
    [TestMethod]
    [DataRow(4, TransferMode.FineTuneLastBlocks, DisplayName = "layer4 in each branch, the blocks before it shared")]
    [DataRow(0, TransferMode.FineTuneAll, DisplayName = "two whole backbones")]
    public void TwoBranchesOfTheSameWeights_EmbedTheNormalisedPooledFeaturesTwice_AfterSaveLoadAndInOnnx(int shared, TransferMode mode)
    {
        var ml = new MLContext(seed: 0);
        var photos = CaltechPhotos.List(ml, "val", every: 15);
        var data = ml.Data.LoadFromEnumerable(photos);
        var backbone = PretrainedBackbone.ResNet18ImageNet();
        var head = new EmbeddingHeadSpec(512, 512, BatchNorm: false, Activation: null, Normalize: true, Project: false);
        var description = new TripletEmbeddingTransformer.Description("ImagePath", "Embedding", null, 64, "cpu", null,
            new TripletEmbeddingTransformer.PhotoNetwork(backbone.Spec, mode, head, 0, shared));
        using var model = new TripletEmbeddingTransformer(description,
            new TransferNetwork(BackboneModule.Load(backbone), head, BackboneModule.Load(backbone), shared));
        var embeddings = model.Transform(data).GetColumn<float[]>("Embedding").ToArray();

        using var features = BackboneModule.Load(backbone);
        features.eval();
        var pixels = OnnxFiles.Flat(ml.Data.LoadFromEnumerable(CaltechPhotos.Prepare(photos)).GetColumn<float[]>("ImagePath"));
        float[] pooled;
        using (no_grad())
        using (var x = tensor(pixels, [photos.Count, 3, 224, 224]))
        using (var maps = features.forward(x))
        using (var mean = maps.mean([2, 3]))
            pooled = mean.data<float>().ToArray();
        Assert.AreEqual(1024, model.EmbeddingSize);
        for (int i = 0; i < photos.Count; i++)
        {
            var p = pooled.AsSpan(i * 512, 512).ToArray();
            double norm = Math.Sqrt(p.Sum(v => (double)v * v));
            var half = p.Select(v => (float)(v / norm / Math.Sqrt(2))).ToArray();
            Assert.IsLessThan(1e-5, half.Zip(embeddings[i][..512], (a, b) => Math.Abs(a - b)).Max(), $"photo {i}, first half");
            Assert.IsLessThan(1e-5, half.Zip(embeddings[i][512..], (a, b) => Math.Abs(a - b)).Max(), $"photo {i}, second half");
        }

        string zip = Path.Combine(TestData.TempDirectory(), "branches.zip");
        ml.Model.Save(model, data.Schema, zip);
        var loaded = ml.Model.Load(zip, out _);
        var reloaded = loaded.Transform(data).GetColumn<float[]>("Embedding").ToArray();
        for (int i = 0; i < photos.Count; i++)
            CollectionAssert.AreEqual(embeddings[i], reloaded[i], $"photo {i} after save and load");
        (loaded as IDisposable)?.Dispose();
        Directory.Delete(Path.GetDirectoryName(zip)!, recursive: true);

        var (onnx, _) = OnnxFiles.ExportNetwork(ml, model);
        var outputs = OnnxRuntimeRun.Run(onnx, [OnnxRuntimeRun.Floats("ImagePath", pixels, photos.Count, 3, 224, 224)]);
        Differences.AssertWithin(OnnxFiles.Flat(embeddings), (float[])outputs["Embedding"], 1e-4, $"two branches, {shared} blocks shared");
        OnnxChecker.AssertValid(onnx);
    }
}
