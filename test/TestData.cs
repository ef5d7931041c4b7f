using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.ML;

namespace MlNetTriplet.Tests;

/// <summary>Real data the tests read: Fashion-MNIST from the Debian package (installed by test.sh) and the sets the
/// repository carries in data/.</summary>
internal static class TestData
{
    public const string FashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    public static IDataView FashionTrain(MLContext ml, int rows) =>
        ml.Data.LoadFromIdx(Path.Combine(FashionMnistDirectory, "train-images-idx3-ubyte.gz"),
            Path.Combine(FashionMnistDirectory, "train-labels-idx1-ubyte.gz"), rows);

    public static IDataView FashionTest(MLContext ml, int rows) =>
        ml.Data.LoadFromIdx(Path.Combine(FashionMnistDirectory, "t10k-images-idx3-ubyte.gz"),
            Path.Combine(FashionMnistDirectory, "t10k-labels-idx1-ubyte.gz"), rows);

    /// <summary>A data set the repository carries (data/<paramref name="name"/>, with its README and licence).</summary>
    public static string RepositoryData(string name)
    {
        string path = Path.Combine(RepositoryRoot, "data", name);
        return Directory.Exists(path) ? path : throw new DirectoryNotFoundException($"The data set '{name}' is expected at {path}.");
    }

    /// <summary>Six Caltech 101 classes (ant, butterfly, dragonfly, pizza, starfish, sunflower): train/ with 20 photos
    /// of each, val/ with 10.</summary>
    public static string Caltech101 => RepositoryData("caltech101");

    /// <summary>A fresh temporary directory, deleted by the caller.</summary>
    public static string TempDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "mlnettriplet-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>The repository's root folder (the one holding MlNetTriplet.sln).</summary>
    public static readonly string RepositoryRoot = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MlNetTriplet.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("MlNetTriplet.sln not found above the test binary.");
    }

    /// <summary>The first rows of the four Fashion-MNIST files, gzip-compressed under their usual names, in
    /// <paramref name="directory"/>: a small data set for code that names the files (the README's quick start).</summary>
    public static void WriteFashionFiles(string directory, int trainRows, int testRows)
    {
        foreach (var (split, rows) in new[] { ("train", trainRows), ("t10k", testRows) })
        {
            CopyFirstRows($"{split}-images-idx3-ubyte.gz", headerBytes: 16, rowBytes: 28 * 28, rows, directory);
            CopyFirstRows($"{split}-labels-idx1-ubyte.gz", headerBytes: 8, rowBytes: 1, rows, directory);
        }
    }

    private static void CopyFirstRows(string file, int headerBytes, int rowBytes, int rows, string directory)
    {
        var bytes = new byte[headerBytes + rows * rowBytes];
        using (var input = new GZipStream(File.OpenRead(Path.Combine(FashionMnistDirectory, file)), CompressionMode.Decompress))
            input.ReadExactly(bytes);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), rows);   // the count follows the magic number
        using var output = new GZipStream(File.Create(Path.Combine(directory, file)), CompressionLevel.Fastest);
        output.Write(bytes);
    }
}
