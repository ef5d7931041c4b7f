using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Tabular;

[TestClass]
public sealed class StratifiedSplitTests
{
    [TestMethod]
    public void StratifiedTrainTestSplit_OnUciFile_KeepsClassShareInBothParts()
    {
        var ml = new MLContext(seed: 1);
        var data = BankData.Loader(ml, ';', "y").Load(BankData.Uci);
        var split = ml.Data.StratifiedTrainTestSplit(data, 0.2, "y", seed: 0);
        var train = split.TrainSet.GetColumn<string>("y").ToArray();
        var test = split.TestSet.GetColumn<string>("y").ToArray();
        Assert.HasCount(3617, train);
        Assert.HasCount(904, test);
        Assert.AreEqual(split.TestSet.GetRowCount(), test.Length);
        // 521 yes of 4,521: 104 go to the test part, 417 stay.
        Assert.AreEqual(104, test.Count(y => y == "yes"));
        Assert.AreEqual(417, train.Count(y => y == "yes"));
        // Disjoint and complete: every row is in exactly one part.
        var all = data.GetColumn<float>("balance").Zip(data.GetColumn<float>("age")).Select(p => (p.First, p.Second)).ToList();
        var parts = split.TrainSet.GetColumn<float>("balance").Zip(split.TrainSet.GetColumn<float>("age"))
            .Concat(split.TestSet.GetColumn<float>("balance").Zip(split.TestSet.GetColumn<float>("age")))
            .Select(p => (p.First, p.Second)).ToList();
        CollectionAssert.AreEquivalent(all, parts);
    }

    [TestMethod]
    public void StratifiedTrainTestSplit_WithSameSeed_GivesSameRows()
    {
        var ml = new MLContext(seed: 1);
        var data = BankData.Loader(ml).Load(BankData.Kaggle);
        float[] Balances(int seed) => ml.Data.StratifiedTrainTestSplit(data, 0.2, "deposit", seed).TestSet.GetColumn<float>("balance").ToArray();
        CollectionAssert.AreEqual(Balances(0), Balances(0));
        CollectionAssert.AreNotEqual(Balances(0), Balances(1));
    }
}
