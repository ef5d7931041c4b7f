using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace MlNetTriplet.Tests.Persistence;

/// <summary>Loads a model zip in a fresh process (test/ModelProbe), so nothing of the saving process (registered
/// loaders, cached state) can make a broken save look fine.</summary>
internal static class ModelProbeProcess
{
    /// <summary>The <paramref name="column"/> vectors the loaded model gives for the first <paramref name="rows"/> rows
    /// of the Fashion-MNIST test split.</summary>
    public static float[][] TransformFashionTest(string zip, int rows, string column, string workDirectory)
    {
        string output = Path.Combine(workDirectory, $"probe-{column}-{Guid.NewGuid():N}.txt");
        string probe = typeof(ModelProbeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ModelProbePath").Value!;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                probe, zip, Path.Combine(TestData.FashionMnistDirectory, "t10k-images-idx3-ubyte.gz"),
                Path.Combine(TestData.FashionMnistDirectory, "t10k-labels-idx1-ubyte.gz"),
                rows.ToString(CultureInfo.InvariantCulture), output, column,
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEndAsync().Result;
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, errors);
        return File.ReadAllLines(output)
            .Select(line => line.Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
    }
}
