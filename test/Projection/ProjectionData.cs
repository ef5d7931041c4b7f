namespace MlNetTriplet.Tests.Projection;

/// <summary>Fashion-MNIST rows for the projection tests, read once per process.</summary>
internal static class ProjectionData
{
    private static readonly Lazy<(float[] Pixels, int[] Labels)> Train = new(() => Read("train", 6000));
    private static readonly Lazy<(float[] Pixels, int[] Labels)> Test = new(() => Read("t10k", 1000));

    public const int Dims = 784;

    /// <summary>The first <paramref name="rows"/> (at most 6,000) training rows.</summary>
    public static (float[] Pixels, int[] Labels) TrainRows(int rows) =>
        (Train.Value.Pixels[..(rows * Dims)], Train.Value.Labels[..rows]);

    /// <summary>The first <paramref name="rows"/> (at most 1,000) test rows.</summary>
    public static (float[] Pixels, int[] Labels) TestRows(int rows) =>
        (Test.Value.Pixels[..(rows * Dims)], Test.Value.Labels[..rows]);

    private static (float[], int[]) Read(string split, int rows)
    {
        var images = IdxReader.ReadImages(Path.Combine(TestData.FashionMnistDirectory, $"{split}-images-idx3-ubyte.gz"), rows);
        var labels = IdxReader.ReadLabels(Path.Combine(TestData.FashionMnistDirectory, $"{split}-labels-idx1-ubyte.gz"), rows);
        return (images.Pixels, labels.Values.Select(v => (int)v).ToArray());
    }

    /// <summary>Two well-separated blobs of <paramref name="perBlob"/> rows each in <paramref name="dims"/>
    /// dimensions: a k-NN graph with two components.</summary>
    public static float[] TwoBlobs(int perBlob, int dims, int seed) => Blobs(2, perBlob, dims, seed);

    /// <summary><paramref name="count"/> blobs of <paramref name="perBlob"/> rows each (uniform in a unit cube, blob
    /// c shifted by 100 c along the first axis and 60 (c mod 3) along the last): a k-NN graph with one component per
    /// blob, rows blob after blob.</summary>
    public static float[] Blobs(int count, int perBlob, int dims, int seed)
    {
        var rng = new Random(seed);
        var data = new float[count * perBlob * dims];
        for (int i = 0; i < count * perBlob; i++)
            for (int d = 0; d < dims; d++)
                data[i * dims + d] = (float)(rng.NextDouble() - 0.5) + (d == 0 ? 100f * (i / perBlob) : 0f)
                    + (d == dims - 1 ? 60f * (i / perBlob % 3) : 0f);
        return data;
    }
}
