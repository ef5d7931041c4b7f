using System.Diagnostics;
using MlNetTriplet.Evaluation;
using MlNetTriplet.Projection;

namespace MlNetTriplet.Tests.Projection;

[TestClass]
public sealed class UmapModelTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Fit_3000FashionRows_TrustworthyMapWithClassClusters()
    {
        const int rows = 3000;
        var (x, y) = ProjectionData.TrainRows(rows);
        var sw = Stopwatch.StartNew();
        // 200 epochs (umap-learn's count above 10,000 rows) keeps the test short in a Debug build.
        var model = UmapModel.Fit(x, rows, ProjectionData.Dims, new UmapOptions { Seed = 7, EpochCount = 200 });
        double seconds = sw.Elapsed.TotalSeconds;
        Assert.AreEqual("spectral", model.Initialization);
        Assert.IsTrue(model.Embedding.All(float.IsFinite));
        // Trustworthiness on every other row (1,500; O(n²) in 784 dimensions is the slow part in a Debug build).
        var sample = Enumerable.Range(0, rows / 2).Select(i => 2 * i).ToArray();
        var high = sample.SelectMany(i => x.AsSpan(i * ProjectionData.Dims, ProjectionData.Dims).ToArray()).ToArray();
        var low = sample.SelectMany(i => new[] { model.Embedding[2 * i], model.Embedding[2 * i + 1] }).ToArray();
        double trust = ProjectionQuality.Trustworthiness(high, low, sample.Length, ProjectionData.Dims, 2, 15);
        double accuracy = ProjectionQuality.KnnAccuracy(model.Embedding, y, rows, 2, 10);
        TestContext.WriteLine($"fit {seconds:F2}s, trustworthiness@15 {trust:F4}, 10-NN accuracy (leave-one-out) {accuracy:F4}");
        Assert.IsTrue(trust >= 0.9, $"trustworthiness {trust}");
        Assert.IsTrue(accuracy >= 0.6, $"10-NN accuracy {accuracy} (chance 0.1)");
    }

    [TestMethod]
    public void SeededFit_ByteIdenticalAcrossRunsAndThreadCounts_ExactNeighbours()
    {
        var (x, _) = ProjectionData.TrainRows(1500);
        var options = new UmapOptions { Seed = 3, EpochCount = 100, Metric = DistanceMetric.Correlation, MinDistance = 0.3f };
        var first = UmapModel.Fit(x, 1500, ProjectionData.Dims, options).Embedding;
        var second = UmapModel.Fit(x, 1500, ProjectionData.Dims, options).Embedding;
        options.MaxThreads = 1;
        var single = UmapModel.Fit(x, 1500, ProjectionData.Dims, options).Embedding;
        CollectionAssert.AreEqual(first, second, "two seeded runs differ");
        CollectionAssert.AreEqual(first, single, "1 thread differs from all cores");
        options.Seed = 4;
        CollectionAssert.AreNotEqual(first, UmapModel.Fit(x, 1500, ProjectionData.Dims, options).Embedding, "the seed is ignored");
    }

    [TestMethod]
    public void SeededFit_ByteIdenticalAcrossThreadCounts_NNDescent()
    {
        const int rows = 4500;   // above KnnGraph.ExactThreshold: NN-descent, forest and graph search
        var (x, _) = ProjectionData.TrainRows(rows);
        var options = new UmapOptions { Seed = 11, EpochCount = 40 };
        var model = UmapModel.Fit(x, rows, ProjectionData.Dims, options);
        options.MaxThreads = 1;
        var single = UmapModel.Fit(x, rows, ProjectionData.Dims, options);
        CollectionAssert.AreEqual(model.Embedding, single.Embedding, "1 thread differs from all cores");

        var (t, _) = ProjectionData.TestRows(200);
        CollectionAssert.AreEqual(model.Transform(t, 200), single.Transform(t, 200, maxThreads: 1), "transform differs");
    }

    [TestMethod]
    [DataRow(2000)]   // exact search
    [DataRow(4200)]   // NN-descent graph search
    public void Transform_PointAloneEqualsPointInBatch(int trainRows)
    {
        var (x, _) = ProjectionData.TrainRows(trainRows);
        var model = UmapModel.Fit(x, trainRows, ProjectionData.Dims, new UmapOptions { Seed = 5, EpochCount = 30 });
        const int batch = 60;
        var (t, _) = ProjectionData.TestRows(batch);
        var all = model.Transform(t, batch);
        Assert.IsTrue(all.All(float.IsFinite));
        foreach (int i in new[] { 0, 17, 59 })
        {
            var alone = model.Transform(t[(i * ProjectionData.Dims)..((i + 1) * ProjectionData.Dims)], 1);
            CollectionAssert.AreEqual(all[(i * 2)..(i * 2 + 2)], alone, $"test row {i}");
        }
        // Reversed batch order: same rows, same answers.
        var reversed = new float[t.Length];
        for (int i = 0; i < batch; i++)
            t.AsSpan((batch - 1 - i) * ProjectionData.Dims, ProjectionData.Dims).CopyTo(reversed.AsSpan(i * ProjectionData.Dims));
        var back = model.Transform(reversed, batch);
        for (int i = 0; i < batch; i++)
            CollectionAssert.AreEqual(all[(i * 2)..(i * 2 + 2)], back[((batch - 1 - i) * 2)..((batch - 1 - i) * 2 + 2)]);
    }

    [TestMethod]
    public void Transform_NewPointsLandNearTheirClass()
    {
        const int trainRows = 2000, testRows = 500;
        var (x, y) = ProjectionData.TrainRows(trainRows);
        var (t, ty) = ProjectionData.TestRows(testRows);
        var model = UmapModel.Fit(x, trainRows, ProjectionData.Dims, new UmapOptions { Seed = 9, EpochCount = 200 });
        var projected = model.Transform(t, testRows);
        var both = model.Embedding.Concat(projected).ToArray();
        double accuracy = ProjectionQuality.KnnAccuracy(both, [.. y, .. ty], trainRows + testRows, 2, 10, trainRows);
        double fitAccuracy = ProjectionQuality.KnnAccuracy(model.Embedding, y, trainRows, 2, 10);
        TestContext.WriteLine($"10-NN accuracy of transformed test rows {accuracy:F4} (training map leave-one-out {fitAccuracy:F4})");
        Assert.IsTrue(accuracy >= fitAccuracy - 0.08, $"transform accuracy {accuracy} vs fit {fitAccuracy}");
    }

    [TestMethod]
    public void WriteRead_RoundTripsEmbeddingAndTransform()
    {
        foreach (int rows in new[] { 600, 4100 })
        {
            var (x, _) = ProjectionData.TrainRows(rows);
            var model = UmapModel.Fit(x, rows, ProjectionData.Dims, new UmapOptions { Seed = 2, EpochCount = 20, Metric = DistanceMetric.Cosine });
            using var stream = new MemoryStream();
            using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) model.Write(w);
            stream.Position = 0;
            using var r = new BinaryReader(stream);
            var loaded = UmapModel.Read(r);
            CollectionAssert.AreEqual(model.Embedding, loaded.Embedding);
            Assert.AreEqual(model.A, loaded.A);
            var (t, _) = ProjectionData.TestRows(30);
            CollectionAssert.AreEqual(model.Transform(t, 30), loaded.Transform(t, 30), $"{rows} rows");
        }
    }

    [TestMethod]
    public void Read_RejectsForeignOrNewerData()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) { w.Write("MlNetTriplet.UmapModel"); w.Write(99); }
        stream.Position = 0;
        var e = Assert.ThrowsExactly<InvalidDataException>(() => UmapModel.Read(new BinaryReader(stream)));
        StringAssert.Contains(e.Message, "version 99");
    }

    [TestMethod]
    public void Fit_DisconnectedGraph_LaysComponentsOutApart()
    {
        const int perBlob = 150, dims = 5;
        var x = ProjectionData.TwoBlobs(perBlob, dims, 1);
        var model = UmapModel.Fit(x, 2 * perBlob, dims, new UmapOptions { Seed = 1, EpochCount = 200 });
        Assert.AreEqual("spectral, 2 components laid out apart", model.Initialization);
        Assert.IsTrue(model.Embedding.All(float.IsFinite));
        int[] labels = [.. Enumerable.Repeat(0, perBlob), .. Enumerable.Repeat(1, perBlob)];
        Assert.AreEqual(1.0, ProjectionQuality.KnnAccuracy(model.Embedding, labels, 2 * perBlob, 2, 10));

        // A connected graph of the same size uses the spectral start.
        var one = ProjectionData.TwoBlobs(perBlob, dims, 1)[..(perBlob * dims)];
        Assert.AreEqual("spectral", UmapModel.Fit(one, perBlob, dims, new UmapOptions { Seed = 1, EpochCount = 10 }).Initialization);
    }

    [TestMethod]
    [DataRow(6, 60, 15, 0.95)]   // more components than 2 x 2 anchors on the axes: anchors from the centroids' layout
    [DataRow(150, 6, 4, 0.7)]    // more than ComponentLayout.MaxSpectralAnchors: random anchors, closer on the whole
    public void Fit_ManyComponentsOneEpoch_StartsEachComponentApartInItsOwnShape(int blobs, int perBlob, int neighbours,
        double minAccuracy)
    {
        // One epoch samples no edge, so the result is the starting layout (rescaled to [0, 10]).
        const int dims = 4;
        var x = ProjectionData.Blobs(blobs, perBlob, dims, 2);
        var model = UmapModel.Fit(x, blobs * perBlob, dims,
            new UmapOptions { Seed = 3, EpochCount = 1, NeighborCount = neighbours });
        Assert.AreEqual($"spectral, {blobs} components laid out apart", model.Initialization);
        var labels = Enumerable.Range(0, blobs * perBlob).Select(i => i / perBlob).ToArray();
        double accuracy = ProjectionQuality.KnnAccuracy(model.Embedding, labels, blobs * perBlob, 2, perBlob - 1);
        TestContext.WriteLine($"{perBlob - 1}-NN accuracy of the components in the starting layout {accuracy:F4}");
        // A random start would score about 1 / blobs.
        Assert.IsGreaterThanOrEqualTo(minAccuracy, accuracy, "components start mixed");
        if (perBlob < 2 * neighbours)
            return;
        // Within a component the start is spectral, not a random cloud: neighbours in the data stay near each other.
        var first = model.Embedding[..(2 * perBlob)];
        double trust = ProjectionQuality.Trustworthiness(x[..(perBlob * dims)], first, perBlob, dims, 2, 5);
        TestContext.WriteLine($"trustworthiness@5 of the first component's starting layout {trust:F4}");
        Assert.IsGreaterThan(0.75, trust);
    }

    [TestMethod]
    public void CustomDistance_IsUsed()
    {
        var (x, _) = ProjectionData.TestRows(300);
        var custom = new ChebyshevDistance();
        var model = UmapModel.Fit(x, 300, ProjectionData.Dims, new UmapOptions { Seed = 1, EpochCount = 20, CustomDistance = custom });
        Assert.IsTrue(custom.Calls > 300 * 299 / 2, "custom distance not called");
        Assert.IsTrue(model.Embedding.All(float.IsFinite));
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) model.Write(w);
        stream.Position = 0;
        Assert.ThrowsExactly<ArgumentException>(() => UmapModel.Read(new BinaryReader(stream)));
        stream.Position = 0;
        CollectionAssert.AreEqual(model.Embedding, UmapModel.Read(new BinaryReader(stream), custom).Embedding);
    }

    private sealed class ChebyshevDistance : IUmapDistance
    {
        private long _calls;
        public long Calls => Interlocked.Read(ref _calls);

        public float Distance(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
        {
            Interlocked.Increment(ref _calls);
            float max = 0f;
            for (int i = 0; i < x.Length; i++) max = Math.Max(max, Math.Abs(x[i] - y[i]));
            return max;
        }
    }
}
