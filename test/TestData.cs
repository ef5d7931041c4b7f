using Microsoft.ML;

namespace MlNetTriplet.Tests;

/// <summary>Real data the tests read: Fashion-MNIST from the Debian package (installed by .ci/run).</summary>
internal static class TestData
{
    public const string FashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    public static IDataView FashionTrain(MLContext ml, int rows) =>
        ml.Data.LoadFromIdx(Path.Combine(FashionMnistDirectory, "train-images-idx3-ubyte.gz"),
            Path.Combine(FashionMnistDirectory, "train-labels-idx1-ubyte.gz"), rows);

    public static IDataView FashionTest(MLContext ml, int rows) =>
        ml.Data.LoadFromIdx(Path.Combine(FashionMnistDirectory, "t10k-images-idx3-ubyte.gz"),
            Path.Combine(FashionMnistDirectory, "t10k-labels-idx1-ubyte.gz"), rows);

    /// <summary>A fresh temporary directory, deleted by the caller.</summary>
    public static string TempDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "mlnettriplet-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
