using Microsoft.ML;
using MlNetTriplet.Batches;
using MlNetTriplet.Images;
using SkiaSharp;
using static MlNetTriplet.Tests.Images.TestImages;
using static TorchSharp.torch;

namespace MlNetTriplet.Tests.Batches;

/// <summary>Photo batches read on background threads: in order, the same whatever the worker count, bounded memory,
/// errors at the right batch, clean stops; the cursor reader for decoded images and vectors; the column readers
/// inference shares.</summary>
[TestClass]
public sealed class PhotoStreamingTests
{
    private readonly string _dir = TestData.TempDirectory();
    private static readonly ImagePreparation Evaluation = new(new ImageGeometry(new ImageShape(3, 16, 16), 16));

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    private static SKColor RowColour(int row) => new((byte)row, (byte)(255 - row), (byte)(row * 3 % 256));

    /// <summary>Photos of one flat colour each (the row's), 20 x 18, labels row % 3.</summary>
    private ImageFileRows FlatPhotos(int count) => new(
        Enumerable.Range(0, count).Select(i => Write(_dir, $"flat{i}.png", 20, 18, (_, _) => RowColour(i))).ToArray(),
        Enumerable.Range(0, count).Select(i => (long)(i % 3)).ToArray());

    private ImageFileRows SmoothPhotos(int count) => new(
        Enumerable.Range(0, count).Select(i => Write(_dir, $"smooth{i}.png", 40 + i, 30, (x, y) => Smooth(x + i, y, 60, 30))).ToArray(),
        new long[count]);

    private static ImageFileReader Files(ImageFileRows rows, ImagePreparation preparation) => new(rows, preparation, CPU);

    /// <summary>Row <paramref name="slot"/> of a batch's inputs, flat.</summary>
    private static float[] Values(TensorBatch batch, int slot) => batch.Features[slot].flatten().data<float>().ToArray();

    private static List<float[]> ReadAllValues(ImageFileRows rows, IReadOnlyList<int[]> plan, ImagePreparation preparation,
        int workers)
    {
        using var producer = new BatchProducer(Files(rows, preparation), plan, epoch: 2, workers, readAhead: 2);
        return producer.ReadAll().Select(b =>
        {
            using (b)
                return b.Features.flatten().data<float>().ToArray();
        }).ToList();
    }

    [TestMethod]
    public void Producer_GivesTheBatchesInOrderWithTheirRowsAndLabels()
    {
        var rows = FlatPhotos(23);
        var plan = BatchPlan.Shuffled(23, 5, seed: 1).Epoch(0);
        using var producer = new BatchProducer(Files(rows, Evaluation), plan, 0, workers: 3, readAhead: 2);
        int index = 0;
        foreach (var batch in producer.ReadAll())
        {
            using var owned = batch;
            CollectionAssert.AreEqual(plan[index], batch.Rows);
            CollectionAssert.AreEqual(plan[index].Select(r => (long)(r % 3)).ToArray(), batch.Labels.data<long>().ToArray());
            CollectionAssert.AreEqual(new long[] { plan[index].Length, 3, 16, 16 }, batch.Features.shape);
            for (int i = 0; i < batch.Count; i++)
            {
                int row = plan[index][i];
                var colour = RowColour(row);
                var values = Values(batch, i);
                Assert.AreEqual((colour.Red, colour.Green, colour.Blue), ((byte)Byte(values[0]), (byte)Byte(values[256]), (byte)Byte(values[512])),
                    $"batch {index} slot {i} holds row {row}");
            }
            index++;
        }
        Assert.AreEqual(5, index);
        Assert.IsTrue(SpinWait.SpinUntil(() => producer.WorkersStopped, 5000), "the workers end after the last row");
    }

    [TestMethod]
    public void Producer_AugmentedBatches_AreTheSameWithNoneOneOrFourWorkers()
    {
        var rows = SmoothPhotos(14);
        var augmented = Evaluation with { Augmentation = ImageAugmentation.Default, Seed = 5 };
        var plan = BatchPlan.Shuffled(14, 4, seed: 5).Epoch(2);
        var one = ReadAllValues(rows, plan, augmented, workers: 1);
        Assert.HasCount(4, one);
        foreach (int workers in new[] { 0, 4 })
        {
            var other = ReadAllValues(rows, plan, augmented, workers);
            for (int b = 0; b < one.Count; b++)
                CollectionAssert.AreEqual(one[b], other[b], $"batch {b}, {workers} workers");
        }
        CollectionAssert.AreNotEqual(one[0], ReadAllValues(rows, plan, Evaluation, workers: 2)[0], "augmentation changed the pixels");
    }

    [TestMethod]
    public void Producer_SlowConsumer_NeverHoldsMoreThanReadAheadPlusOneBuffers()
    {
        var rows = FlatPhotos(24);
        using var producer = new BatchProducer(Files(rows, Evaluation), BatchPlan.Sequential(24, 2).Epoch(0), 0, workers: 4, readAhead: 2);
        int batches = 0;
        while (producer.Next() is { } batch)
        {
            batch.Dispose();
            Thread.Sleep(15);   // the workers are far ahead by now, and must wait
            Assert.IsLessThanOrEqualTo(3, producer.BuffersCreated, $"after batch {batches}");
            batches++;
        }
        Assert.AreEqual(12, batches);
        Assert.IsLessThanOrEqualTo(3, producer.BuffersCreated, "the buffers were reused, not reallocated");
    }

    [TestMethod]
    public void Producer_UnreadableFileInTheSecondBatch_ThrowsNamingItWhenThatBatchComes()
    {
        var rows = FlatPhotos(6);
        File.WriteAllText(rows.Paths[4], "not an image");
        using var producer = new BatchProducer(Files(rows, Evaluation), BatchPlan.Sequential(6, 3).Epoch(0), 0, workers: 2, readAhead: 2);
        using (var first = producer.Next())
            Assert.IsNotNull(first);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => producer.Next());
        StringAssert.Contains(e.Message, rows.Paths[4]);
        StringAssert.Contains(e.Message, "(row 4)");
    }

    [TestMethod]
    public void Producer_Cancelled_ThrowsOperationCanceledAndItsThreadsEnd()
    {
        var rows = FlatPhotos(12);
        using var cancel = new CancellationTokenSource();
        var producer = new BatchProducer(Files(rows, Evaluation), BatchPlan.Sequential(12, 1).Epoch(0), 0, 2, 1, cancel.Token);
        using (var first = producer.Next())
            Assert.IsNotNull(first);
        cancel.Cancel();
        Assert.Throws<OperationCanceledException>(() => producer.Next());
        producer.Dispose();
        Assert.IsTrue(producer.WorkersStopped);
    }

    [TestMethod]
    public void Producer_DisposedMidEpoch_JoinsItsThreads()
    {
        var source = new BatchSource(Files(FlatPhotos(12), Evaluation), BatchPlan.Sequential(12, 2), workers: 3);
        using (var producer = new BatchProducer(Files(FlatPhotos(12), Evaluation), BatchPlan.Sequential(12, 2).Epoch(0), 0, 3, 2))
        {
            producer.Next()?.Dispose();
            producer.Dispose();
            Assert.IsTrue(producer.WorkersStopped);
        }
        using var first = source.Batches(0).First();
        Assert.AreEqual(2, first.Count, "leaving a foreach early disposes the producer");
    }

    public sealed class PhotoRow
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }

    /// <summary>The photos' paths and keys of labels "c0", "c1" alternating.</summary>
    private static IDataView KeyedPaths(MLContext ml, ImageFileRows rows)
    {
        var data = ml.Data.LoadFromEnumerable(rows.Paths.Select((p, i) => new PhotoRow { ImagePath = p, Label = $"c{i % 2}" }).ToList());
        return ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
    }

    private static IDataView LoadedImages(MLContext ml, ImageFileRows rows)
    {
        var data = KeyedPaths(ml, rows);
        return ml.Transforms.LoadImages("Image", imageFolder: "", inputColumnName: "ImagePath").Fit(data).Transform(data);
    }

    /// <summary>Every batch of an epoch as (row, label, values) triples, in order.</summary>
    private static List<(int Row, long Label, float[] Values)> Read(BatchSource source, int epoch)
    {
        var read = new List<(int, long, float[])>();
        foreach (var batch in source.Batches(epoch))
            using (batch)
            {
                var labels = batch.Labels.data<long>().ToArray();
                for (int i = 0; i < batch.Count; i++)
                    read.Add((batch.Rows[i], labels[i], Values(batch, i)));
            }
        return read;
    }

    [TestMethod]
    public void CursorReader_LoadImagesColumn_GivesThePixelsOfDecodingTheFiles()
    {
        var ml = new MLContext(seed: 1);
        var rows = SmoothPhotos(9);
        using var source = new BatchSource(new CursorReader(LoadedImages(ml, rows), "Image", "Label", Evaluation, count: 9,
            window: 1, "Training data", CPU), BatchPlan.Sequential(9, 4), workers: 1);
        var read = Read(source, 0);
        Assert.HasCount(9, read);
        for (int seen = 0; seen < 9; seen++)
        {
            Assert.AreEqual(seen, read[seen].Row, "a sequential plan keeps the order");
            Assert.AreEqual(seen % 2, read[seen].Label);
            CollectionAssert.AreEqual(Prepare(rows.Paths[seen], Evaluation), read[seen].Values, $"row {seen}");
        }
    }

    [TestMethod]
    public void CursorReader_ShuffleWindow_GivesEveryRowOncePerEpochInASeededOrder()
    {
        var shape = new ImageShape(3, 4, 4);
        var values = new float[30 * shape.Size];
        for (int row = 0; row < 30; row++)
            values.AsSpan(row * shape.Size, shape.Size).Fill(row);
        var data = new InMemoryImageDataView(values, Enumerable.Range(0, 30).Select(r => (uint)(r % 3 + 1)).ToArray(), shape);
        var preparation = new ImagePreparation(new ImageGeometry(shape, 4), Seed: 3);
        using var source = new BatchSource(new CursorReader(data, "Features", "Label", preparation, 30, window: 8,
            "Training data", CPU), BatchPlan.Shuffled(30, 7, seed: 3, window: 8), workers: 1);

        List<int> Order(int epoch)
        {
            var order = new List<int>();
            foreach (var (row, label, rowValues) in Read(source, epoch))
            {
                Assert.AreEqual(row % 3, label);
                Assert.IsTrue(rowValues.All(v => v == row), $"row {row}'s values");
                order.Add(row);
            }
            return order;
        }
        var first = Order(0);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 30).ToList(), first);
        CollectionAssert.AreNotEqual(Enumerable.Range(0, 30).ToList(), first, "shuffled");
        CollectionAssert.AreEqual(first, Order(0), "same epoch, same order");
        CollectionAssert.AreNotEqual(first, Order(1), "next epoch, new order");
    }

    [TestMethod]
    public void CursorReader_SlowConsumer_NeverHoldsMoreThanReadAheadPlusOneBuffers()
    {
        var shape = new ImageShape(1, 8, 8);
        var data = new InMemoryImageDataView(new float[50 * shape.Size], Enumerable.Repeat(1u, 50).ToArray(), shape);
        var reader = new CursorReader(data, "Features", "Label", new ImagePreparation(new ImageGeometry(shape, 8)), 50,
            window: 4, "Training data", CPU);
        using var producer = new BatchProducer(reader, BatchPlan.Shuffled(50, 2, seed: 0, window: 4).Epoch(0), 0,
            workers: 1, readAhead: 2);
        int batches = 0;
        while (producer.Next() is { } batch)
        {
            batch.Dispose();
            Thread.Sleep(5);
            Assert.IsLessThanOrEqualTo(3, producer.BuffersCreated);
            batches++;
        }
        Assert.AreEqual(25, batches);
    }

    [TestMethod]
    public void CursorReader_DataShorterThanCounted_ThrowsNamingTheData()
    {
        var shape = new ImageShape(1, 4, 4);
        var data = new InMemoryImageDataView(new float[5 * shape.Size], Enumerable.Repeat(1u, 5).ToArray(), shape);
        using var source = new BatchSource(new CursorReader(data, "Features", "Label",
            new ImagePreparation(new ImageGeometry(shape, 4)), count: 6, window: 1, "Training data", CPU),
            BatchPlan.Sequential(6, 6), workers: 1);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Read(source, 0));
        StringAssert.Contains(e.Message, "Training data ended after 5 rows, but 6 were counted");
    }

    [TestMethod]
    public void CursorReader_PlanReachingBeyondItsWindow_IsRefused()
    {
        var shape = new ImageShape(1, 4, 4);
        var data = new InMemoryImageDataView(new float[6 * shape.Size], Enumerable.Repeat(1u, 6).ToArray(), shape);
        var reader = new CursorReader(data, "Features", "Label", new ImagePreparation(new ImageGeometry(shape, 4)), count: 6,
            window: 2, "Training data", CPU);
        using var producer = new BatchProducer(reader, [[5, 0, 1, 2, 3, 4]], 0, workers: 0, readAhead: 1);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => producer.Next()).Message,
            "the plan does not fit its window");
    }

    [TestMethod]
    public void PhotoSources_VectorsWithAugmentation_AreRefusedNamingTheColumn()
    {
        var shape = new ImageShape(3, 4, 4);
        var data = new InMemoryImageDataView(new float[2 * shape.Size], [1, 2], shape);
        var e = Assert.ThrowsExactly<ArgumentException>(() => PhotoSources.Create(data, "Features", "Label", 2,
            new ImagePreparation(new ImageGeometry(shape, 4), ImageAugmentation.Default), 2, PhotoOrder.Shuffle, new ImageStreamOptions(),
            "Training data", CPU));
        StringAssert.Contains(e.Message, "'Features'");
        StringAssert.Contains(e.Message, "Augmentation needs photos");
    }

    [TestMethod]
    public void ColumnReader_PathAndImageColumns_FillTheBatchLikeSinglePreparation()
    {
        var ml = new MLContext(seed: 1);
        var rows = SmoothPhotos(5);
        var data = LoadedImages(ml, rows);
        var expected = rows.Paths.Select(p => Prepare(p, Evaluation)).ToList();
        int size = Evaluation.Shape.Size;
        foreach (var (column, bytes) in new[] { ("ImagePath", false), ("Image", false), ("Image", true) })
        {
            var batch = bytes ? RowBuffer.OfBytes(8, size) : RowBuffer.OfFloats(8, size);
            using var cursor = data.GetRowCursor(data.Schema);
            using var reader = new ImageColumnReader(cursor, data.Schema[column], Evaluation, epoch: 0, batch, workers: 2);
            int slot = 0;
            while (cursor.MoveNext())
                reader.Capture(slot, slot++);
            reader.Complete(slot);
            var row = new float[size];
            for (int i = 0; i < 5; i++)
            {
                batch.CopyRow(i, row);
                CollectionAssert.AreEqual(expected[i], row, $"column {column}{(bytes ? " as bytes" : "")}, row {i}");
            }
        }
    }

    [TestMethod]
    public void ColumnReader_MissingFile_NamesTheFileTheRowAndTheColumn()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[] { new PhotoRow { ImagePath = Path.Combine(_dir, "gone.png") } });
        using var cursor = data.GetRowCursor(data.Schema);
        using var reader = new ImageColumnReader(cursor, data.Schema["ImagePath"], Evaluation, 0,
            RowBuffer.OfFloats(1, Evaluation.Shape.Size), 1);
        cursor.MoveNext();
        reader.Capture(0, 17);
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => reader.Complete(1));
        StringAssert.Contains(e.Message, "gone.png");
        StringAssert.Contains(e.Message, "row 17 of column 'ImagePath'");
    }

    [TestMethod]
    public void ImageColumnCheck_NumberColumn_ThrowsSchemaMismatchNamingTheColumnAndWhatFits()
    {
        var data = new MLContext().Data.LoadFromEnumerable(new[] { new { Count = 3 } });
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ImageColumn.Check(data.Schema["Count"], Evaluation.Shape, "image"));
        StringAssert.Contains(e.Message, "image column 'Count'");
        StringAssert.Contains(e.Message, "Vector<Single, 768>");
    }

    [TestMethod]
    public void Create_PathColumnWithUnreadableFiles_SkipsAndReportsThemOrThrowsNamingTheOption()
    {
        var ml = new MLContext(seed: 1);
        var rows = FlatPhotos(6);
        File.WriteAllText(rows.Paths[1], "text");
        File.Delete(rows.Paths[4]);
        var data = KeyedPaths(ml, rows);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => PhotoSources.Create(data, "ImagePath", "Label", 6,
            Evaluation, 4, PhotoOrder.InOrder, new ImageStreamOptions(SkipOptionName: "SkipBadPhotos"), "Training data", CPU));
        StringAssert.Contains(e.Message, "2 of 6 images cannot be read");
        StringAssert.Contains(e.Message, rows.Paths[1]);
        StringAssert.Contains(e.Message, rows.Paths[4]);
        StringAssert.Contains(e.Message, "SkipBadPhotos = true");

        var (source, skipped) = PhotoSources.Create(data, "ImagePath", "Label", 6, Evaluation, 4, PhotoOrder.InOrder,
            new ImageStreamOptions(SkipUnreadable: true), "Training data", CPU);
        using (source)
        {
            CollectionAssert.AreEqual(new[] { 1, 4 }, skipped.Select(s => s.Row).ToArray());
            Assert.AreEqual(4, Read(source, 0).Count, "the four readable photos stream");
        }
    }
}
