using System.Globalization;
using System.Reflection;
using MlNetTriplet.Tests.Infrastructure;

namespace MlNetTriplet.Tests.Persistence;

/// <summary>Loads a model zip in a fresh process (test/ModelProbe), so nothing of the saving process (registered
/// loaders, cached state) can make a broken save look fine.</summary>
internal static class ModelProbeProcess
{
    /// <summary>The <paramref name="column"/> vectors the loaded model gives for the first <paramref name="rows"/> rows
    /// of the Fashion-MNIST test split.</summary>
    public static float[][] TransformFashionTest(string zip, int rows, string column, string workDirectory) =>
        Run(workDirectory, output => [zip, .. FashionTest(rows), output, column]).Values;

    /// <summary>Everything the probe process printed while it predicted the first <paramref name="rows"/> rows of the
    /// Fashion-MNIST test split one at a time through a <c>PredictionEngine</c>, as a server would.</summary>
    public static string PredictFashionTestOneByOne(string zip, int rows, string column, string workDirectory) =>
        Run(workDirectory, output => ["--one-by-one", zip, .. FashionTest(rows), output, column]).Printed;

    private static string[] FashionTest(int rows) =>
    [
        Path.Combine(TestData.FashionMnistDirectory, "t10k-images-idx3-ubyte.gz"),
        Path.Combine(TestData.FashionMnistDirectory, "t10k-labels-idx1-ubyte.gz"),
        rows.ToString(CultureInfo.InvariantCulture),
    ];

    /// <summary>The <paramref name="column"/> vectors the loaded model gives for the photos of an image folder.</summary>
    public static float[][] TransformImageFolder(string zip, string folder, string column, string workDirectory) =>
        Run(workDirectory, output => ["--image-folder", zip, folder, output, column]).Values;

    /// <summary>The <paramref name="column"/> values the loaded model gives for <paramref name="dataFile"/>, read by the
    /// data loader saved in the zip.</summary>
    public static float[][] TransformWithSavedLoader(string zip, string dataFile, string column, string workDirectory) =>
        Run(workDirectory, output => ["--with-loader", zip, dataFile, column, output]).Values;

    private static (float[][] Values, string Printed) Run(string workDirectory, Func<string, string[]> arguments)
    {
        string output = Path.Combine(workDirectory, $"probe-{Guid.NewGuid():N}.txt");
        string probe = typeof(ModelProbeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ModelProbePath").Value!;
        var result = ChildProcess.Run("dotnet", [probe, .. arguments(output)], workDirectory);
        Assert.AreEqual(0, result.ExitCode, result.Output);
        var values = File.ReadAllLines(output)
            .Select(line => line.Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        return (values, result.Output);
    }
}
