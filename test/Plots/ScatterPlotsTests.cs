using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Plots;
using SkiaSharp;

namespace MlNetTriplet.Tests.Plots;

[TestClass]
public sealed class ScatterPlotsTests : PlotTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void SaveScatter_ThreeBlobs_WritesPngOfRequestedSizeWithColouredPoints()
    {
        var (points, labels) = Blobs(["cat", "dog", "bird"], perLabel: 100, seed: 1);
        string path = Path.Combine(Folder, "nested", "deeper", "blobs.png");   // folders do not exist yet

        ScatterPlots.SaveScatter(points, labels, path, "Three blobs", 640, 480);

        Assert.AreEqual((640, 480), PngAssert.ReadPngSize(path));
        // The axes, grid, text and legend frame are all grey: saturated pixels can only be points or legend symbols,
        // and 300 points of radius 3.5 cover far more than three legend symbols do.
        using var bitmap = SKBitmap.Decode(path);
        int coloured = 0;
        foreach (var pixel in bitmap.Pixels)
            if (Math.Max(pixel.Red, Math.Max(pixel.Green, pixel.Blue)) - Math.Min(pixel.Red, Math.Min(pixel.Green, pixel.Blue)) > 60)
                coloured++;
        Assert.IsGreaterThan(2000, coloured, "Too few coloured pixels: the points were not drawn.");
    }

    [TestMethod]
    public void SaveScatter_SinglePointAndManyLabels_WritePng()
    {
        string one = Path.Combine(Folder, "one.png");
        ScatterPlots.SaveScatter([3f, -2f], ["only"], one, width: 100, height: 100, xTitle: "x", yTitle: "y");
        Assert.AreEqual((100, 100), PngAssert.ReadPngSize(one));

        // 25 numeric labels: more than the palette holds, so the colours cycle.
        var (points, labels) = Blobs(Enumerable.Range(0, 25).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray(), perLabel: 20, seed: 2);
        string many = Path.Combine(Folder, "many.png");
        ScatterPlots.SaveScatter(points, labels, many);
        Assert.AreEqual((1000, 800), PngAssert.ReadPngSize(many));
    }

    [TestMethod]
    public void SaveScatter_BadArguments_Throw()
    {
        string path = Path.Combine(Folder, "sub", "bad.png");
        float[] points = [0, 0, 1, 1, 2, 2];
        string[] labels = ["a", "b", "a"];

        Assert.ThrowsExactly<ArgumentNullException>(() => ScatterPlots.SaveScatter(points, null!, path));
        Assert.ThrowsExactly<ArgumentNullException>(() => ScatterPlots.SaveScatter(points, labels, null!));
        Assert.ThrowsExactly<ArgumentException>(() => ScatterPlots.SaveScatter(points, labels, " "));
        var empty = Assert.ThrowsExactly<ArgumentException>(() => ScatterPlots.SaveScatter([], [], path));
        StringAssert.Contains(empty.Message, "at least one");
        var length = Assert.ThrowsExactly<ArgumentException>(() => ScatterPlots.SaveScatter(points, ["a", "b"], path));
        StringAssert.Contains(length.Message, "6 coordinates for 2 labels");
        var nan = Assert.ThrowsExactly<ArgumentException>(() => ScatterPlots.SaveScatter([0, 0, 1, float.NaN, 2, 2], labels, path));
        StringAssert.Contains(nan.Message, "Row 1");
        var infinite = Assert.ThrowsExactly<ArgumentException>(() =>
            ScatterPlots.SaveScatter([0, 0, 1, 1, float.NegativeInfinity, 2], labels, path));
        StringAssert.Contains(infinite.Message, "Row 2");
        var nullLabel = Assert.ThrowsExactly<ArgumentException>(() => ScatterPlots.SaveScatter(points, ["a", "b", null!], path));
        StringAssert.Contains(nullLabel.Message, "row 2");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ScatterPlots.SaveScatter(points, labels, path, width: 99));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ScatterPlots.SaveScatter(points, labels, path, height: 0));
        Assert.IsFalse(Directory.Exists(Path.GetDirectoryName(path)), "A rejected call created the output folder.");
    }

    [TestMethod]
    public void SaveScatter_SeventyThousandPoints_RendersQuickly()
    {
        string[] names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
        var (points, labels) = Blobs(names, perLabel: 7_000, seed: 3);
        string path = Path.Combine(Folder, "large.png");

        var watch = Stopwatch.StartNew();
        ScatterPlots.SaveScatter(points, labels, path, "UMAP of 70,000 embeddings");
        watch.Stop();

        TestContext.WriteLine($"70,000 points rendered in {watch.Elapsed.TotalSeconds:F2} s");
        Assert.AreEqual((1000, 800), PngAssert.ReadPngSize(path));
        Assert.IsLessThan(20, watch.Elapsed.TotalSeconds, "Rendering 70,000 points took too long.");
    }

    [TestMethod]
    public void SaveScatter_TwoPointsFarFromTheMap_AxesFollowTheMapAndNoteCountsThem()
    {
        // The issue-14 picture: a map about 20 units wide and a pair of points 250 units away.
        var (map, mapLabels) = Blobs(["cat", "dog", "bird"], perLabel: 400, seed: 4);
        float[] points = [.. map, 250f, 240f, 251f, 241f];
        string[] labels = [.. mapLabels, "cat", "dog"];

        var (x, y, outside) = ScatterPlots.Frame(points);
        Assert.AreEqual(2, outside);
        Assert.IsLessThan(30f, x.Max, "the far points still set the x axis");
        Assert.IsLessThan(30f, y.Max, "the far points still set the y axis");
        Assert.AreEqual(map.Where((_, i) => i % 2 == 0).Min(), x.Min, "the near side must keep the data's own limit");
        Assert.AreEqual("2 of 1,202 points lie outside the axes: drawn on the border, ringed", ScatterPlots.OutsideNote(outside, 1202));
        Assert.IsNull(ScatterPlots.OutsideNote(0, 1202));

        string path = Path.Combine(Folder, "far.png");
        ScatterPlots.SaveScatter(points, labels, path, "Far pair", 800, 600);
        // The map's coloured pixels spread over most of the image's width, not a squashed corner.
        using var bitmap = SKBitmap.Decode(path);
        int left = bitmap.Width, right = 0;
        for (int row = 0; row < bitmap.Height; row++)
            for (int col = 0; col < bitmap.Width * 3 / 4; col++)   // the legend sits on the right
            {
                var p = bitmap.GetPixel(col, row);
                if (Math.Max(p.Red, Math.Max(p.Green, p.Blue)) - Math.Min(p.Red, Math.Min(p.Green, p.Blue)) > 60)
                    (left, right) = (Math.Min(left, col), Math.Max(right, col));
            }
        Assert.IsGreaterThan(bitmap.Width / 2, right - left, $"the map spans only pixels {left}..{right}");
    }

    [TestMethod]
    public void Frame_MapWithoutStrayPoints_KeepsTheFullRange()
    {
        var (points, _) = Blobs(["a", "b", "c", "d"], perLabel: 500, seed: 5);
        var (x, y, outside) = ScatterPlots.Frame(points);
        Assert.AreEqual(0, outside);
        Assert.AreEqual(points.Where((_, i) => i % 2 == 0).Max(), x.Max);
        Assert.AreEqual(points.Where((_, i) => i % 2 == 1).Min(), y.Min);
    }

    /// <summary>One Gaussian blob per label, centres on a circle, some of them overlapping, rows interleaved.</summary>
    [TestMethod]
    public void SaveScatter_FromDataViewWithKeyLabel_WritesPngAndLegendUsesKeyValues()
    {
        var ml = new MLContext(seed: 1);
        var (points, labels) = Blobs(["cat", "dog"], perLabel: 50, seed: 2);
        var rows = labels.Select((l, i) => new PointRow { Point = [points[2 * i], points[2 * i + 1]], Animal = l });
        var data = ml.Transforms.Conversion.MapValueToKey("Animal").Fit(ml.Data.LoadFromEnumerable(rows))
            .Transform(ml.Data.LoadFromEnumerable(rows));
        string path = Path.Combine(Folder, "view.png");

        ScatterPlots.SaveScatter(data, "Point", "Animal", path, "Animals", 400, 300);

        Assert.AreEqual((400, 300), PngAssert.ReadPngSize(path));
        CollectionAssert.AreEqual(labels, ColumnReader.PointsAndLabels(data, "Point", "Animal").Labels);
    }

    [TestMethod]
    public void SaveScatter_FromDataViewWithThreeWidePoints_ThrowsSchemaMismatch()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable([new WideRow { Point = [1f, 2f, 3f], Animal = "cat" }]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ScatterPlots.SaveScatter(data, "Point", "Animal", Path.Combine(Folder, "bad.png")));
        StringAssert.Contains(e.Message, "Schema mismatch for point column 'Point': expected Vector<Single, 2>");
    }

    private sealed class PointRow
    {
        [VectorType(2)]
        public float[] Point { get; set; } = [];

        public string Animal { get; set; } = "";
    }

    private sealed class WideRow
    {
        [VectorType(3)]
        public float[] Point { get; set; } = [];

        public string Animal { get; set; } = "";
    }

    private static (float[] Points, string[] Labels) Blobs(string[] names, int perLabel, int seed)
    {
        var random = new Random(seed);
        int n = names.Length * perLabel;
        var points = new float[2 * n];
        var labels = new string[n];
        for (int i = 0; i < n; i++)
        {
            int label = i % names.Length;
            double angle = 2 * Math.PI * label / names.Length;
            double spread = 0.6 + 0.4 * (label % 3);
            points[2 * i] = (float)(8 * Math.Cos(angle) + spread * Gaussian(random));
            points[2 * i + 1] = (float)(5 * Math.Sin(angle) + spread * Gaussian(random));
            labels[i] = names[label];
        }
        return (points, labels);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
