using Microsoft.ML;

namespace MlNetTriplet.Tests.Training;

[TestClass]
public sealed class MemoryTests
{
    private static long ResidentBytes()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        throw new InvalidOperationException("no VmRSS in /proc/self/status");
    }

    [TestMethod]
    public void Fit_ResidentMemory_StaysFlatAcrossEpochs()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Inconclusive("reads /proc/self/status");
        var ml = new MLContext(seed: 1);
        var train = TestData.FashionTrain(ml, 3000);
        var rss = new List<long>();
        var options = new CnnClassifierTrainer.Options
        {
            NumberOfEpochs = 6, ValidationFraction = 0.1, MetricsCallback = _ => rss.Add(ResidentBytes()),
        };
        Classification.TrainedCnn.Pipeline(ml, options).Fit(train);
        // From epoch 2 (allocator and caches warm) to the last: the bar in BENCHMARKS.md is under 5% growth.
        double growth = (double)(rss[^1] - rss[1]) / rss[1];
        Assert.IsLessThan(0.05, growth, $"RSS per epoch (MB): {string.Join(", ", rss.Select(b => b >> 20))}");
    }
}
