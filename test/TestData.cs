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

    /// <summary>The real data beside the repository (../shared/data), as CI lays it out.</summary>
    public static string SharedData(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MlNetTriplet.sln")))
            {
                string path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", name));
                return Directory.Exists(path) ? path : throw new DirectoryNotFoundException($"The shared data '{name}' is expected at {path}.");
            }
        throw new DirectoryNotFoundException("MlNetTriplet.sln not found above the test binary.");
    }

    /// <summary>The ants-and-bees photos (hymenoptera: train/ and val/ of ants/ and bees/).</summary>
    public static string Hymenoptera => SharedData("hymenoptera");

    /// <summary>A fresh temporary directory, deleted by the caller.</summary>
    public static string TempDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "mlnettriplet-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
