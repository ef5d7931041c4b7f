using Microsoft.ML;
using MlNetTriplet.Images;
using SkiaSharp;
using static MlNetTriplet.Tests.Images.TestImages;

namespace MlNetTriplet.Tests.Images;

/// <summary>Batches prepared on background threads: in order, the same whatever the worker count, bounded memory,
/// errors at the right batch, clean stops; and the cursor stream for decoded images and vectors.</summary>
[TestClass]
public sealed class ImageStreamingTests
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

    private static List<float[]> ReadAllValues(ImageFileRows rows, IReadOnlyList<int[]> plan, ImagePreparation preparation,
        int workers)
    {
        using var producer = new ImageBatchProducer(rows, plan, preparation, epoch: 2, workers, readAhead: 2);
        return producer.ReadAll().Select(b => b.Values.ToArray()).ToList();
    }

    [TestMethod]
    public void Producer_GivesTheBatchesInOrderWithTheirRowsAndLabels()
    {
        var rows = FlatPhotos(23);
        var plan = BatchPlans.Shuffled(23, 5, seed: 1, epoch: 0);
        using var producer = new ImageBatchProducer(rows, plan, Evaluation, 0, workers: 3, readAhead: 2);
        int index = 0;
        foreach (var batch in producer.ReadAll())
        {
            Assert.AreEqual(index, batch.Index);
            CollectionAssert.AreEqual(plan[index], batch.Rows[..batch.Count]);
            for (int i = 0; i < batch.Count; i++)
            {
                int row = plan[index][i];
                Assert.AreEqual(row % 3, batch.Labels[i]);
                var colour = RowColour(row);
                var values = batch.Row(i).ToArray();
                Assert.AreEqual((colour.Red, colour.Green, colour.Blue), ((byte)Byte(values[0]), (byte)Byte(values[256]), (byte)Byte(values[512])),
                    $"batch {index} slot {i} holds row {row}");
            }
            index++;
        }
        Assert.AreEqual(5, index);
        Assert.IsTrue(SpinWait.SpinUntil(() => producer.WorkersStopped, 5000), "the workers end after the last row");
    }

    [TestMethod]
    public void Producer_AugmentedBatches_AreTheSameWithOneOrFourWorkers()
    {
        var rows = SmoothPhotos(14);
        var augmented = Evaluation with { Augmentation = ImageAugmentation.Default, Seed = 5 };
        var plan = BatchPlans.Shuffled(14, 4, seed: 5, epoch: 2);
        var one = ReadAllValues(rows, plan, augmented, workers: 1);
        var four = ReadAllValues(rows, plan, augmented, workers: 4);
        Assert.HasCount(4, one);
        for (int b = 0; b < one.Count; b++)
            CollectionAssert.AreEqual(one[b], four[b], $"batch {b}");
        CollectionAssert.AreNotEqual(one[0], ReadAllValues(rows, plan, Evaluation, workers: 2)[0], "augmentation changed the pixels");
    }

    [TestMethod]
    public void Producer_SlowConsumer_NeverHoldsMoreThanReadAheadPlusOneBuffers()
    {
        var rows = FlatPhotos(24);
        using var producer = new ImageBatchProducer(rows, BatchPlans.Sequential(24, 2), Evaluation, 0, workers: 4, readAhead: 2);
        int batches = 0;
        while (producer.Next() is not null)
        {
            Thread.Sleep(15);   // the workers are far ahead by now, and must wait
            Assert.IsLessThanOrEqualTo(3, producer.BuffersCreated, $"after batch {batches}");
            batches++;
        }
        Assert.AreEqual(12, batches);
        Assert.AreEqual(3, producer.BuffersCreated, "the buffers were reused, not reallocated");
    }

    [TestMethod]
    public void Producer_UnreadableFileInTheSecondBatch_ThrowsNamingItWhenThatBatchComes()
    {
        var rows = FlatPhotos(6);
        File.WriteAllText(rows.Paths[4], "not an image");
        using var producer = new ImageBatchProducer(rows, BatchPlans.Sequential(6, 3), Evaluation, 0, workers: 2, readAhead: 2);
        Assert.IsNotNull(producer.Next());
        var e = Assert.ThrowsExactly<InvalidDataException>(() => producer.Next());
        StringAssert.Contains(e.Message, rows.Paths[4]);
        StringAssert.Contains(e.Message, "(row 4)");
    }

    [TestMethod]
    public void Producer_Cancelled_ThrowsOperationCanceledAndItsThreadsEnd()
    {
        var rows = FlatPhotos(12);
        using var cancel = new CancellationTokenSource();
        var producer = new ImageBatchProducer(rows, BatchPlans.Sequential(12, 1), Evaluation, 0, 2, 1, cancel.Token);
        Assert.IsNotNull(producer.Next());
        cancel.Cancel();
        Assert.Throws<OperationCanceledException>(() => producer.Next());
        producer.Dispose();
        Assert.IsTrue(producer.WorkersStopped);
    }

    [TestMethod]
    public void Producer_DisposedMidEpoch_JoinsItsThreads()
    {
        var source = new ImageFileSource(FlatPhotos(12), _ => BatchPlans.Sequential(12, 2), Evaluation, workers: 3);
        using (var producer = new ImageBatchProducer(FlatPhotos(12), BatchPlans.Sequential(12, 2), Evaluation, 0, 3, 2))
        {
            producer.Next();
            producer.Dispose();
            Assert.IsTrue(producer.WorkersStopped);
        }
        Assert.AreEqual(2, source.Batches(0, default).First().Count, "leaving a foreach early disposes the producer");
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

    [TestMethod]
    public void CursorSource_LoadImagesColumn_GivesThePixelsOfDecodingTheFiles()
    {
        var ml = new MLContext(seed: 1);
        var rows = SmoothPhotos(9);
        var source = new ImageCursorSource(LoadedImages(ml, rows), "Image", "Label", Evaluation, batchSize: 4,
            shuffleBufferRows: 1, dataName: "Training data");
        int seen = 0;
        foreach (var batch in source.Batches(0, default))
            for (int i = 0; i < batch.Count; i++, seen++)
            {
                Assert.AreEqual(seen, batch.Rows[i], "a 1-row shuffle buffer keeps the order");
                Assert.AreEqual(seen % 2, batch.Labels[i]);
                CollectionAssert.AreEqual(Prepare(rows.Paths[seen], Evaluation), batch.Row(i).ToArray(), $"row {seen}");
            }
        Assert.AreEqual(9, seen);
    }

    [TestMethod]
    public void CursorSource_ShuffleBuffer_GivesEveryRowOncePerEpochInASeededOrder()
    {
        var shape = new ImageShape(3, 4, 4);
        var values = new float[30 * shape.Size];
        for (int row = 0; row < 30; row++)
            values.AsSpan(row * shape.Size, shape.Size).Fill(row);
        var data = new InMemoryImageDataView(values, Enumerable.Range(0, 30).Select(r => (uint)(r % 3 + 1)).ToArray(), shape);
        var preparation = new ImagePreparation(new ImageGeometry(shape, 4), Seed: 3);
        var source = new ImageCursorSource(data, "Features", "Label", preparation, batchSize: 7, shuffleBufferRows: 8, "Training data");

        List<int> Order(int epoch)
        {
            var order = new List<int>();
            foreach (var batch in source.Batches(epoch, default))
                for (int i = 0; i < batch.Count; i++)
                {
                    int row = batch.Rows[i];
                    Assert.AreEqual(row % 3, batch.Labels[i]);
                    Assert.IsTrue(batch.Row(i).ToArray().All(v => v == row), $"row {row}'s values");
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
    public void CursorProducer_SlowConsumer_NeverHoldsMoreThanReadAheadPlusOneBuffers()
    {
        var shape = new ImageShape(1, 8, 8);
        var data = new InMemoryImageDataView(new float[50 * shape.Size], Enumerable.Repeat(1u, 50).ToArray(), shape);
        using var producer = new CursorBatchProducer(data, "Features", "Label", new ImagePreparation(new ImageGeometry(shape, 8)),
            epoch: 0, batchSize: 2, shuffleBufferRows: 4, readAhead: 2, "Training data", default);
        int batches = 0;
        while (producer.Next() is not null)
        {
            Thread.Sleep(5);
            Assert.IsLessThanOrEqualTo(3, producer.BuffersCreated);
            batches++;
        }
        Assert.AreEqual(25, batches);
    }

    [TestMethod]
    public void CursorSource_VectorsWithAugmentation_AreRefusedNamingTheColumn()
    {
        var shape = new ImageShape(3, 4, 4);
        var data = new InMemoryImageDataView(new float[2 * shape.Size], [1, 2], shape);
        var e = Assert.ThrowsExactly<ArgumentException>(() => ImageBatchSources.Create(data, "Features", "Label",
            new ImagePreparation(new ImageGeometry(shape, 4), ImageAugmentation.Default), 2, true, new ImageStreamOptions(), "Training data"));
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
        foreach (string column in new[] { "ImagePath", "Image" })
        {
            var batch = new float[8 * Evaluation.Shape.Size];
            using var cursor = data.GetRowCursor(data.Schema);
            using var reader = new ImageColumnReader(cursor, data.Schema[column], Evaluation, batch, workers: 2);
            int slot = 0;
            while (cursor.MoveNext())
                reader.Capture(slot, slot++);
            reader.Complete(slot);
            for (int i = 0; i < 5; i++)
                CollectionAssert.AreEqual(expected[i], batch.AsSpan(i * Evaluation.Shape.Size, Evaluation.Shape.Size).ToArray(),
                    $"column {column}, row {i}");
        }
    }

    [TestMethod]
    public void ColumnReader_MissingFile_NamesTheFileTheRowAndTheColumn()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[] { new PhotoRow { ImagePath = Path.Combine(_dir, "gone.png") } });
        using var cursor = data.GetRowCursor(data.Schema);
        using var reader = new ImageColumnReader(cursor, data.Schema["ImagePath"], Evaluation, new float[Evaluation.Shape.Size], 1);
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

        var e = Assert.ThrowsExactly<InvalidDataException>(() => ImageBatchSources.Create(data, "ImagePath", "Label", Evaluation,
            4, false, new ImageStreamOptions(SkipOptionName: "SkipBadPhotos"), "Training data"));
        StringAssert.Contains(e.Message, "2 of 6 images cannot be read");
        StringAssert.Contains(e.Message, rows.Paths[1]);
        StringAssert.Contains(e.Message, rows.Paths[4]);
        StringAssert.Contains(e.Message, "SkipBadPhotos = true");

        var (source, skipped) = ImageBatchSources.Create(data, "ImagePath", "Label", Evaluation, 4, false,
            new ImageStreamOptions(SkipUnreadable: true), "Training data");
        CollectionAssert.AreEqual(new[] { 1, 4 }, skipped.Select(s => s.Row).ToArray());
        Assert.AreEqual(4, source.Batches(0, default).Sum(b => b.Count), "the four readable photos stream");
    }
}
