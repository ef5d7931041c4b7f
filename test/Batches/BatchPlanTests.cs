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

    [TestMethod]
    public void ClassBalanced_AnEpochDependsOnTheSeedAndEpochAlone()
    {
        var plan = new ClassBalancedPlan(Labels, classesPerBatch: 3, samplesPerClass: 4, stepsPerEpoch: 10, seed: 2);
        var first = Draw(plan, 0);
        Draw(plan, 1);
        var third = Draw(plan, 2);
        CollectionAssert.AreEqual(first.SelectMany(b => b).ToArray(), Draw(plan, 0).SelectMany(b => b).ToArray(),
            "epoch 0 again, after epochs 1 and 2");
        var fresh = new ClassBalancedPlan(Labels, 3, 4, 10, seed: 2);
        CollectionAssert.AreEqual(third.SelectMany(b => b).ToArray(), Draw(fresh, 2).SelectMany(b => b).ToArray(),
            "epoch 2 alone, as a resumed run draws it");
    }

    [TestMethod]
    public void Sequential_GivesTheRowsInOrder_TheLastBatchPartial()
    {
        var batches = Draw(BatchPlan.Sequential(11, 4), 3);
        Assert.AreEqual(3, BatchPlan.Sequential(11, 4).StepsPerEpoch);
        CollectionAssert.AreEqual(Enumerable.Range(0, 11).ToArray(), batches.SelectMany(b => b).ToArray());
        CollectionAssert.AreEqual(new[] { 4, 4, 3 }, batches.Select(b => b.Length).ToArray());
    }

    [TestMethod]
    public void Shuffled_GivesEveryRowOncePerEpoch_TheSameOrderForTheSameEpoch()
    {
        var plan = BatchPlan.Shuffled(100, 8, seed: 4);
        var order = Draw(plan, 0).SelectMany(b => b).ToArray();
        Assert.AreEqual(13, plan.StepsPerEpoch);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 100).ToArray(), order);
        CollectionAssert.AreNotEqual(Enumerable.Range(0, 100).ToArray(), order, "shuffled");
        CollectionAssert.AreEqual(order, Draw(BatchPlan.Shuffled(100, 8, seed: 4), 0).SelectMany(b => b).ToArray(), "replayed");
        CollectionAssert.AreNotEqual(order, Draw(plan, 1).SelectMany(b => b).ToArray(), "a new epoch");
        CollectionAssert.AreNotEqual(order, Draw(BatchPlan.Shuffled(100, 8, seed: 5), 0).SelectMany(b => b).ToArray(), "a new seed");
    }

    [TestMethod]
    public void Shuffled_WindowOfEveryRowOrMore_IsTheUniformShuffle()
    {
        var uniform = Draw(BatchPlan.Shuffled(50, 7, seed: 9), 1).SelectMany(b => b).ToArray();
        foreach (int window in new[] { 50, 51, 500 })
            CollectionAssert.AreEqual(uniform, Draw(BatchPlan.Shuffled(50, 7, seed: 9, window), 1).SelectMany(b => b).ToArray(),
                $"window {window}");
        CollectionAssert.AreNotEqual(uniform, Draw(BatchPlan.Shuffled(50, 7, seed: 9, window: 10), 1).SelectMany(b => b).ToArray());
    }

    [TestMethod]
    public void Shuffled_ThroughAWindow_NeverReachesFurtherAheadThanTheWindow()
    {
        const int rows = 200, window = 16;
        var order = Draw(BatchPlan.Shuffled(rows, 5, seed: 1, window), 0).SelectMany(b => b).ToArray();
        CollectionAssert.AreEquivalent(Enumerable.Range(0, rows).ToArray(), order);
        // A stream reader holds the rows read but not yet handed out: before handing out the t-th row it has read
        // rows 0 .. max(order[0..t]); what it holds then must fit the window.
        int read = -1;
        for (int t = 0; t < rows; t++)
        {
            read = Math.Max(read, order[t]);
            Assert.IsLessThanOrEqualTo(window, read + 1 - t, $"position {t}");
        }
    }
}
