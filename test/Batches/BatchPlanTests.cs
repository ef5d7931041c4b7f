using MlNetTriplet.Batches;

namespace MlNetTriplet.Tests.Batches;

/// <summary>The plans build what the readers, miners and losses assume, deterministically per (seed, epoch).</summary>
[TestClass]
public sealed class BatchPlanTests
{
    // 4 classes of uneven size: 0 x 5, 1 x 2, 2 x 9, 3 x 4.
    private static readonly long[] Labels = [.. Enumerable.Repeat(0L, 5), .. Enumerable.Repeat(1L, 2), .. Enumerable.Repeat(2L, 9), .. Enumerable.Repeat(3L, 4)];

    private static int[][] Draw(BatchPlan plan, int epoch) => [.. plan.Epoch(epoch)];

    [TestMethod]
    public void RandomTriplets_AnchorAndPositiveShareAClassAndDiffer_NegativeIsAnotherClass()
    {
        var batches = Draw(new RandomTripletPlan(Labels, triplets: 16, stepsPerEpoch: 20, seed: 3), epoch: 0);
        Assert.HasCount(20, batches);
        var negativeClasses = new HashSet<long>();
        foreach (var b in batches)
        {
            Assert.HasCount(48, b);
            for (int t = 0; t < 16; t++)
            {
                long a = b[t], p = b[16 + t], n = b[32 + t];
                Assert.AreNotEqual(a, p);
                Assert.AreEqual(Labels[a], Labels[p]);
                Assert.AreNotEqual(Labels[a], Labels[n]);
                negativeClasses.Add(Labels[n]);
            }
        }
        Assert.HasCount(4, negativeClasses, "every class serves as a negative");
        CollectionAssert.AreEqual(batches[7], Draw(new RandomTripletPlan(Labels, 16, 20, 3), 0)[7], "same seed and epoch");
        CollectionAssert.AreNotEqual(batches[0], Draw(new RandomTripletPlan(Labels, 16, 20, 3), 1)[0], "a new epoch");
    }

    [TestMethod]
    public void ClassBalanced_DrawsPDistinctClassesOfKDistinctRows()
    {
        var batches = Draw(new ClassBalancedPlan(Labels, classesPerBatch: 3, samplesPerClass: 4, stepsPerEpoch: 30, seed: 1), 0);
        foreach (var b in batches)
        {
            Assert.HasCount(12, b);
            var groups = b.Chunk(4).ToList();
            Assert.HasCount(3, groups.Select(g => Labels[g[0]]).Distinct().ToList());
            foreach (var g in groups)
            {
                Assert.IsTrue(g.All(r => Labels[r] == Labels[g[0]]), "one class per group");
                // Class 1 has only 2 rows: drawn with replacement; the others have at least 4: without.
                if (Labels[g[0]] != 1)
                    Assert.HasCount(4, g.Distinct().ToList());
            }
        }
    }
}
