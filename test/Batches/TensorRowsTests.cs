using MlNetTriplet.Batches;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet.Tests.Batches;

/// <summary>Rows held as tensors: gathered whole on the loop's thread, and the cache a frozen module's outputs make.</summary>
[TestClass]
public sealed class TensorRowsTests
{
    /// <summary>12 rows of 3 values: row r holds r, r + 0.5, -r; label r % 4.</summary>
    private static TensorRows Rows() => TensorRows.FromArrays(
        Enumerable.Range(0, 12).SelectMany(r => new[] { r, r + 0.5f, -r }).ToArray(), [12, 3],
        Enumerable.Range(0, 12).Select(r => (long)(r % 4)).ToArray(), CPU);

    [TestMethod]
    public void BatchSource_OfTensorRows_GathersEachPlannedBatchOnTheCallersThread()
    {
        var plan = BatchPlan.Shuffled(12, 5, seed: 3);
        using var source = new BatchSource(Rows(), plan);
        var expected = plan.Epoch(1);
        int index = 0;
        int thread = Environment.CurrentManagedThreadId;
        foreach (var batch in source.Batches(1))
            using (batch)
            {
                Assert.AreEqual(thread, Environment.CurrentManagedThreadId);
                var rows = expected[index++];
                CollectionAssert.AreEqual(rows, batch.Rows);
                CollectionAssert.AreEqual(rows.SelectMany(r => new[] { r, r + 0.5f, -r }).ToArray(), batch.Features.data<float>().ToArray());
                CollectionAssert.AreEqual(rows.Select(r => (long)(r % 4)).ToArray(), batch.Labels.data<long>().ToArray());
            }
        Assert.AreEqual(3, index);
    }

    [TestMethod]
    public void FrozenFeatures_KeepTheModulesOutputForEveryRow_InEvalModeAndInOrder()
    {
        manual_seed(1);
        using var module = nn.Sequential(("drop", nn.Dropout(0.5)), ("fc", nn.Linear(3, 2)));
        module.train();
        var all = Rows();
        using var input = new BatchSource(all, BatchPlan.Sequential(12, 5));
        var steps = new List<(int, long)>();
        using var cached = FrozenFeatures.Compute(input, module, module.forward, CPU, (step, rows) => steps.Add((step, rows)),
            CancellationToken.None);

        Assert.IsFalse(module.training, "the pass runs in eval mode (no dropout)");
        using var expected = module.forward(all.Features);
        CollectionAssert.AreEqual(expected.data<float>().ToArray(), cached.Features.data<float>().ToArray());
        CollectionAssert.AreEqual(all.Labels.data<long>().ToArray(), cached.Labels.data<long>().ToArray());
        Assert.IsFalse(cached.Features.requires_grad);
        CollectionAssert.AreEqual(new[] { (1, 5L), (2, 10L), (3, 12L) }, steps);
    }
}
