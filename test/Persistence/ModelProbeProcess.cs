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
    public static float[][] TransformFashionTest(string zip, int rows, string column, string workDirectory) =>
        Run(workDirectory, output =>
        [
            zip, Path.Combine(TestData.FashionMnistDirectory, "t10k-images-idx3-ubyte.gz"),
            Path.Combine(TestData.FashionMnistDirectory, "t10k-labels-idx1-ubyte.gz"),
            rows.ToString(CultureInfo.InvariantCulture), output, column,
        ]);

    /// <summary>The <paramref name="column"/> values the loaded model gives for <paramref name="dataFile"/>, read by the
    /// data loader saved in the zip.</summary>
    public static float[][] TransformWithSavedLoader(string zip, string dataFile, string column, string workDirectory) =>
        Run(workDirectory, output => ["--with-loader", zip, dataFile, column, output]);

    private static float[][] Run(string workDirectory, Func<string, string[]> arguments)
    {
        string output = Path.Combine(workDirectory, $"probe-{Guid.NewGuid():N}.txt");
        string probe = typeof(ModelProbeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ModelProbePath").Value!;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(probe);
        foreach (string argument in arguments(output))
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, errors.Result);
        return File.ReadAllLines(output)
            .Select(line => line.Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
    }
}
