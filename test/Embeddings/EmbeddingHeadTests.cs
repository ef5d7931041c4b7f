using MlNetTriplet.Networks;
using static TorchSharp.torch;

namespace MlNetTriplet.Tests.Embeddings;

/// <summary>The photo embedding head starts from the pooled features' geometry: an untrained head of the backbone's
/// width is a rotation (every distance kept), a narrower one an orthonormal projection, and the bias is zero.</summary>
[TestClass]
public sealed class EmbeddingHeadTests
{
    /// <summary>Distances between rows of <paramref name="x"/>, N x N.</summary>
    private static float[] Distances(Tensor x) => cdist(x, x).data<float>().ToArray();

    [TestMethod]
    public void UntrainedHead_OfTheFeaturesWidth_KeepsEveryDistanceBetweenPooledFeatures()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var head = new EmbeddingHeadSpec(64, 64, BatchNorm: false, Activation: null, Normalize: false).Create();
        // Pooled features are non-negative (after ReLU and averaging) and far from unit length: a harder case for an
        // isometry than centred data.
        var pooled = rand(20, 64) * 3;
        using (no_grad())
        {
            float[] before = Distances(pooled), after = Distances(head.forward(pooled));
            for (int i = 0; i < before.Length; i++)
                Assert.AreEqual(before[i], after[i], 1e-4 * Math.Max(1, before[i]), $"distance {i}");
        }
    }

    [TestMethod]
    public void UntrainedHead_NarrowerThanTheFeatures_HasOrthonormalRowsAndZeroBias()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var head = new EmbeddingHeadSpec(512, 128, BatchNorm: false, Activation: null, Normalize: true).Create();
        var linear = (TorchSharp.Modules.Linear)head.named_children().First(c => c.name == "linear").module;
        using (no_grad())
        {
            var gram = linear.weight!.matmul(linear.weight!.t());
            float deviation = (gram - eye(128)).abs().max().item<float>();
            Assert.IsLessThan(1e-4f, deviation, "W W^T = I");
            Assert.AreEqual(0f, linear.bias!.abs().max().item<float>());
        }
    }
}
