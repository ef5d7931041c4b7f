using System.Diagnostics;
using Microsoft.ML;

namespace MlNetTriplet.Tests.Evaluation;

[TestClass]
public sealed class EvaluationPerformanceTests
{
    public TestContext TestContext { get; set; } = null!;

    /// <summary>The bar is 5 s for 10,000 x 256 on two cores (Release); this bound is loose enough for a
    /// Debug build on a busy shared machine and still catches a quadratic-memory or per-pair-allocation regression.</summary>
    [TestMethod]
    public void Evaluate_10000x256_WithinBound()
    {
        const int dims = 256;
        var ml = new MLContext(seed: 1);
        var (rows, labels) = EmbeddingMetricsTests.Blobs(10, 1000, dims, 2.0, seed: 12);
        var view = EmbeddingViews.Create(ml, rows, dims, labels);
        var watch = Stopwatch.StartNew();
        var metrics = ml.Embeddings().Evaluate(view);
        watch.Stop();
        TestContext.WriteLine($"Evaluate 10,000 x 256: {watch.Elapsed.TotalSeconds:F2} s on {Environment.ProcessorCount} cores; {metrics}");
        Console.WriteLine($"Evaluate 10,000 x 256: {watch.Elapsed.TotalSeconds:F2} s on {Environment.ProcessorCount} cores; {metrics}");
        Assert.AreEqual(10_000, metrics.Rows);
        Assert.IsTrue(watch.Elapsed.TotalSeconds < 15, $"took {watch.Elapsed.TotalSeconds:F1} s");
    }
}
