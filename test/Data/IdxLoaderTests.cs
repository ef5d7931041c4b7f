using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Data;

[TestClass]
public sealed class IdxLoaderTests
{
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";
    private static readonly string TestImages = Path.Combine(FashionMnist, "t10k-images-idx3-ubyte.gz");
    private static readonly string TestLabels = Path.Combine(FashionMnist, "t10k-labels-idx1-ubyte.gz");

    private readonly MLContext _ml = new(seed: 1);
    private string _dir = "";

    [TestInitialize]
    public void CreateTempDir() => _dir = Directory.CreateTempSubdirectory("idx-tests-").FullName;

    [TestCleanup]
    public void DeleteTempDir() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    public void LoadFromIdx_FashionMnistTest_HasTenClassesAndPixelsInUnitRange()
    {
        var view = _ml.Data.LoadFromIdx(TestImages, TestLabels, maxRows: 500);

        var (labels, features) = ReadAll(view);
        Assert.AreEqual(500L, view.GetRowCount());
        Assert.AreEqual(NumberDataViewType.UInt32, view.Schema["Label"].Type);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 28 * 28), view.Schema["Features"].Type);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 10).Select(i => (uint)i).ToArray(), labels.Distinct().ToArray());
        Assert.IsTrue(features.All(f => f.Length == 784 && f.All(v => v is >= 0f and <= 1f)), "pixels outside [0, 1]");
        // Both ends of the range occur: background is 0 and most garments saturate somewhere.
        Assert.AreEqual(0f, features.Min(f => f.Min()));
        Assert.AreEqual(1f, features.Max(f => f.Max()));
    }

    [TestMethod]
    public void LoadFromIdx_FashionMnistTestFull_HasTenThousandBalancedRows()
    {
        var view = _ml.Data.LoadFromIdx(TestImages, TestLabels);

        var labels = ReadAll(view).Labels;
        Assert.AreEqual(10_000L, view.GetRowCount());
        Assert.HasCount(10_000, labels);
        // The Fashion-MNIST test split holds exactly 1,000 images of each class.
        Assert.IsTrue(labels.GroupBy(l => l).All(g => g.Count() == 1000) && labels.Distinct().Count() == 10);
    }

    [TestMethod]
    public void LoadFromIdx_RawAndGzipFiles_GiveSameData()
    {
        // The raw copies keep a .gz name: compression must be detected from the bytes, not the extension.
        string rawImages = Gunzip(TestImages, "images-raw.gz"), rawLabels = Gunzip(TestLabels, "labels-raw.gz");
        Assert.AreNotEqual(0x1F, File.ReadAllBytes(rawImages)[0]);

        var gzip = ReadAll(_ml.Data.LoadFromIdx(TestImages, TestLabels, maxRows: 300));
        var raw = ReadAll(_ml.Data.LoadFromIdx(rawImages, rawLabels, maxRows: 300));

        CollectionAssert.AreEqual(gzip.Labels, raw.Labels);
        CollectionAssert.AreEqual(gzip.Features.SelectMany(f => f).ToArray(), raw.Features.SelectMany(f => f).ToArray());
    }

    [TestMethod]
    public void LoadFromIdx_SyntheticFile_KeepsRowMajorPixelsAndLabels()
    {
        byte[] pixels = [0, 51, 102, 153, 204, 255, 1, 2, 3, 4, 5, 6];
        string images = WriteImages("images", count: 2, rows: 2, cols: 3, pixels);
        string labels = WriteLabels("labels", [7, 200]);

        var (readLabels, features) = ReadAll(_ml.Data.LoadFromIdx(images, labels));

        CollectionAssert.AreEqual(new uint[] { 7, 200 }, readLabels);
        CollectionAssert.AreEqual(pixels.Select(p => p / 255f).ToArray(), features.SelectMany(f => f).ToArray());
    }

    [TestMethod]
    public void LoadFromIdx_MaxRows_TakesFirstItems()
    {
        string images = WriteImages("images", count: 4, rows: 1, cols: 2, [10, 11, 20, 21, 30, 31, 40, 41]);
        string labels = WriteLabels("labels", [1, 2, 3, 4]);

        var (readLabels, features) = ReadAll(_ml.Data.LoadFromIdx(images, labels, maxRows: 2));

        CollectionAssert.AreEqual(new uint[] { 1, 2 }, readLabels);
        CollectionAssert.AreEqual(new[] { 10f, 11f, 20f, 21f }.Select(p => p / 255f).ToArray(), features.SelectMany(f => f).ToArray());
    }

    [TestMethod]
    public void LoadFromIdx_WrongMagic_ThrowsNamingFile()
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => _ml.Data.LoadFromIdx(TestLabels, TestLabels, maxRows: 5));

        Assert.Contains(TestLabels, e.Message);
        Assert.Contains("expected magic number 2051", e.Message);
        Assert.Contains("labels file", e.Message);
        Assert.Contains("swapped", e.Message);
    }

    [TestMethod]
    public void LoadFromIdx_TruncatedImages_ThrowsWithExpectedLength()
    {
        // Header declares 3 images of 2x2 (12 bytes), but only 5 follow.
        string images = WriteImages("images", count: 3, rows: 2, cols: 2, [1, 2, 3, 4, 5]);
        string labels = WriteLabels("labels", [0, 1, 2]);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => _ml.Data.LoadFromIdx(images, labels));

        Assert.Contains(images, e.Message);
        Assert.Contains("expected 12 bytes of pixel data", e.Message);
        Assert.Contains("found 5", e.Message);
    }

    [TestMethod]
    public void LoadFromIdx_TruncatedGzipLabels_ThrowsWithExpectedLength()
    {
        string labels = Path.Combine(_dir, "labels.gz");
        using (var gzip = new GZipStream(File.Create(labels), CompressionLevel.Fastest))
            gzip.Write(IdxLabels(new byte[10])[..^4]);
        string images = WriteImages("images", count: 10, rows: 1, cols: 1, new byte[10]);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => _ml.Data.LoadFromIdx(images, labels));

        Assert.Contains(labels, e.Message);
        Assert.Contains("expected 10 bytes of label data, found 6", e.Message);
    }

    [TestMethod]
    public void LoadFromIdx_ZeroColumns_ThrowsNamingFile()
    {
        string images = WriteImages("images", count: 2, rows: 28, cols: 0, []);
        string labels = WriteLabels("labels", [0, 1]);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => _ml.Data.LoadFromIdx(images, labels));

        Assert.Contains(images, e.Message);
        Assert.Contains("28x0", e.Message);
    }

    [TestMethod]
    public void LoadFromIdx_CountMismatch_ThrowsNamingBothFiles()
    {
        string images = WriteImages("images", count: 3, rows: 1, cols: 1, [1, 2, 3]);
        string labels = WriteLabels("labels", [0, 1]);

        // maxRows must not hide the mismatch: it is between the counts the files declare.
        var e = Assert.ThrowsExactly<InvalidDataException>(() => _ml.Data.LoadFromIdx(images, labels, maxRows: 1));

        Assert.Contains(images, e.Message);
        Assert.Contains(labels, e.Message);
        Assert.Contains("3 images", e.Message);
        Assert.Contains("2 labels", e.Message);
    }

    [TestMethod]
    public void LoadFromIdx_CorruptGzip_ThrowsNamingFile()
    {
        string images = Path.Combine(_dir, "images.gz");
        byte[] valid = File.ReadAllBytes(TestImages);
        // Gzip magic, then an unknown compression method and garbage.
        File.WriteAllBytes(images, [0x1F, 0x8B, 0x63, .. valid.AsSpan(3, 64)]);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => _ml.Data.LoadFromIdx(images, TestLabels));

        Assert.Contains(images, e.Message);
        Assert.Contains("gzip", e.Message);
        Assert.IsInstanceOfType<InvalidDataException>(e.InnerException);
    }

    [TestMethod]
    public void LoadFromIdx_MissingFile_ThrowsFileNotFound()
    {
        string missing = Path.Combine(_dir, "no-such-images.gz");

        var e = Assert.ThrowsExactly<FileNotFoundException>(() => _ml.Data.LoadFromIdx(missing, TestLabels));

        Assert.AreEqual(missing, e.FileName);
        Assert.Contains(missing, e.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
    }

    [TestMethod]
    public void LoadFromIdx_InvalidArguments_ThrowNamingParameter()
    {
        Assert.AreEqual("imagesPath", Assert.ThrowsExactly<ArgumentException>(() => _ml.Data.LoadFromIdx("", TestLabels)).ParamName);
        Assert.AreEqual("labelsPath", Assert.ThrowsExactly<ArgumentNullException>(() => _ml.Data.LoadFromIdx(TestImages, null!)).ParamName);
        Assert.AreEqual("maxRows", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _ml.Data.LoadFromIdx(TestImages, TestLabels, -1)).ParamName);
    }

    [TestMethod]
    public void LoadFromIdx_ShapeAnnotation_IsOneByRowsByCols()
    {
        // Non-square so that swapped rows and columns would show.
        string images = WriteImages("images", count: 1, rows: 3, cols: 5, new byte[15]);
        string labels = WriteLabels("labels", [4]);

        var synthetic = _ml.Data.LoadFromIdx(images, labels).Schema["Features"];
        var fashion = _ml.Data.LoadFromIdx(TestImages, TestLabels, maxRows: 1).Schema["Features"];

        Assert.AreEqual(new ImageShape(1, 3, 5), ImageShape.FromAnnotations(synthetic));
        Assert.AreEqual(15, ((VectorDataViewType)synthetic.Type).Size);
        Assert.AreEqual(new ImageShape(1, 28, 28), ImageShape.FromAnnotations(fashion));
    }

    [TestMethod]
    public void GetRowCursor_WithRandom_ShufflesDeterministically()
    {
        var view = _ml.Data.LoadFromIdx(TestImages, TestLabels, maxRows: 200);

        uint[] ordered = ReadLabels(view, null), first = ReadLabels(view, new Random(42)), again = ReadLabels(view, new Random(42));
        uint[] other = ReadLabels(view, new Random(43));

        Assert.IsTrue(view.CanShuffle);
        CollectionAssert.AreEquivalent(ordered, first);
        CollectionAssert.AreNotEqual(ordered, first);
        CollectionAssert.AreEqual(first, again);
        CollectionAssert.AreNotEqual(first, other);
    }

    [TestMethod]
    public void GetRowCursorSet_Parts_CoverEveryRowOnceInCursorOrder()
    {
        var view = _ml.Data.LoadFromIdx(TestImages, TestLabels, maxRows: 103);
        var label = view.Schema["Label"];
        uint[] all = ReadLabels(view, null), shuffled = ReadLabels(view, new Random(5));

        var cursors = view.GetRowCursorSet([label], 4, new Random(5));
        var rows = new List<(long Batch, ulong Id, uint Label)>();
        foreach (var cursor in cursors)
            using (cursor)
            {
                var getId = cursor.GetIdGetter();
                var getLabel = cursor.GetGetter<uint>(label);
                DataViewRowId id = default;
                uint value = 0;
                while (cursor.MoveNext())
                {
                    getId(ref id);
                    getLabel(ref value);
                    rows.Add((cursor.Batch, id.Low, value));
                }
                Assert.IsFalse(cursor.MoveNext());
            }

        Assert.HasCount(4, cursors);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 103).Select(i => (ulong)i).ToArray(), rows.Select(r => r.Id).ToArray());
        Assert.IsTrue(rows.All(r => all[r.Id] == r.Label), "a row id does not match its label");
        // ML.NET's contract: ordering the parts' rows stably by Batch gives GetRowCursor's order for the same Random.
        CollectionAssert.AreEqual(shuffled, rows.OrderBy(r => r.Batch).Select(r => r.Label).ToArray());
    }

    [TestMethod]
    public void Cursor_InactiveColumnGetter_Throws()
    {
        var view = _ml.Data.LoadFromIdx(TestImages, TestLabels, maxRows: 3);
        using var cursor = view.GetRowCursor([view.Schema["Label"]]);

        Assert.IsTrue(cursor.IsColumnActive(view.Schema["Label"]));
        Assert.IsFalse(cursor.IsColumnActive(view.Schema["Features"]));
        Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<VBuffer<float>>(view.Schema["Features"]));
        Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<float>(view.Schema["Label"]));
    }

    [TestMethod]
    public void LoadFromIdx_ThroughMlNet_MapValueToKeyFindsTenClasses()
    {
        var view = _ml.Data.LoadFromIdx(TestImages, TestLabels, maxRows: 1000);

        var keyed = _ml.Transforms.Conversion.MapValueToKey("Label").Fit(view).Transform(view);
        var rows = _ml.Data.CreateEnumerable<Row>(view, reuseRowObject: false).ToList();

        Assert.AreEqual(10UL, ((KeyDataViewType)keyed.Schema["Label"].Type).Count);
        Assert.HasCount(1000, rows);
        CollectionAssert.AreEqual(ReadLabels(view, null), rows.Select(r => r.Label).ToArray());
        Assert.IsTrue(rows.All(r => r.Features.Length == 784));
    }

    private sealed class Row
    {
        public uint Label { get; set; }
        public float[] Features { get; set; } = [];
    }

    private static (uint[] Labels, float[][] Features) ReadAll(IDataView view)
    {
        var labels = new List<uint>();
        var features = new List<float[]>();
        using var cursor = view.GetRowCursor(view.Schema);
        var getLabel = cursor.GetGetter<uint>(view.Schema["Label"]);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(view.Schema["Features"]);
        uint label = 0;
        VBuffer<float> buffer = default;
        while (cursor.MoveNext())
        {
            getLabel(ref label);
            getFeatures(ref buffer);
            labels.Add(label);
            features.Add(buffer.DenseValues().ToArray());
        }
        return ([.. labels], [.. features]);
    }

    private static uint[] ReadLabels(IDataView view, Random? rand)
    {
        var labels = new List<uint>();
        using var cursor = view.GetRowCursor([view.Schema["Label"]], rand);
        var getLabel = cursor.GetGetter<uint>(view.Schema["Label"]);
        uint label = 0;
        while (cursor.MoveNext())
        {
            getLabel(ref label);
            labels.Add(label);
        }
        return [.. labels];
    }

    private string Gunzip(string source, string name)
    {
        string path = Path.Combine(_dir, name);
        using var input = new GZipStream(File.OpenRead(source), CompressionMode.Decompress);
        using var output = File.Create(path);
        input.CopyTo(output);
        return path;
    }

    private string WriteImages(string name, int count, int rows, int cols, byte[] pixels)
    {
        var bytes = new byte[16 + pixels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        pixels.CopyTo(bytes, 16);
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string WriteLabels(string name, byte[] labels)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, IdxLabels(labels));
        return path;
    }

    private static byte[] IdxLabels(byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }
}
