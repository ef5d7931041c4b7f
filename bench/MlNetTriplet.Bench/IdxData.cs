using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Bench;

/// <summary>The IDX split files, read through the package's public <c>LoadFromIdx</c> on every .NET side so both
/// see the same pixels (divided by 255) as the peer.</summary>
internal static class IdxData
{
    public static IDataView Load(MLContext ml, string dataDir, string split, int maxRows) =>
        ml.Data.LoadFromIdx(FindFile(dataDir, $"{split}-images-idx3-ubyte"), FindFile(dataDir, $"{split}-labels-idx1-ubyte"),
            maxRows);

    /// <summary>The .gz file, or the uncompressed one beside it (the peer accepts both too).</summary>
    private static string FindFile(string dataDir, string stem)
    {
        string gz = Path.Combine(dataDir, stem + ".gz"), raw = Path.Combine(dataDir, stem);
        return File.Exists(gz) || !File.Exists(raw) ? gz : raw;
    }

    /// <summary>Copies a <c>LoadFromIdx</c> view into flat arrays: pixels [n * C*H*W], labels [n], and the image shape.</summary>
    public static (float[] Pixels, long[] Labels, ImageShape Shape) ToArrays(IDataView view)
    {
        var features = view.Schema["Features"];
        var label = view.Schema["Label"];
        VBuffer<int> dims = default;
        features.Annotations.GetValue(ImageShape.AnnotationKind, ref dims);
        var d = dims.DenseValues().ToArray();
        var shape = new ImageShape(d[0], d[1], d[2]);

        int rows = checked((int)(view.GetRowCount() ?? throw new InvalidOperationException("LoadFromIdx knows its row count.")));
        var pixels = new float[(long)rows * shape.Size];
        var labels = new long[rows];
        using var cursor = view.GetRowCursor([features, label]);
        var getPixels = cursor.GetGetter<VBuffer<float>>(features);
        var getLabel = cursor.GetGetter<uint>(label);
        VBuffer<float> image = default;
        uint value = 0;
        for (int row = 0; cursor.MoveNext(); row++)
        {
            getPixels(ref image);
            image.DenseValues().ToArray().CopyTo(pixels, (long)row * shape.Size);
            getLabel(ref value);
            labels[row] = value;
        }
        return (pixels, labels, shape);
    }
}
