using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Persistence;

/// <summary>Model zips saved by the previous release (ML.NET 5.0.1 build, Persistence/Fixtures/README.md) load on this
/// build and give the outputs that release gave.</summary>
[TestClass]
public sealed class PreviousReleaseTests
{
    private const int Rows = 20;
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Persistence", "Fixtures");

    [TestMethod]
    [DataRow("cnn", "Score", 1e-5)]
    [DataRow("tabular", "Score", 1e-5)]
    [DataRow("triplet", "Embedding", 1e-5)]
    // UMAP places a new row by a few epochs of SGD among its neighbours, which magnify last-bit differences in the
    // embeddings it starts from (another CPU's kernels round differently); a misread layout is off by whole units.
    [DataRow("umap", "Umap", 1e-2)]
    public void Load_ZipSavedByPreviousRelease_GivesTheOutputsThatReleaseGave(string name, string column, double tolerance)
    {
        var ml = new MLContext();
        var model = ml.Model.Load(Path.Combine(Fixtures, name + ".zip"), out _);
        float[][] actual = model.Transform(TestData.FashionTest(ml, Rows)).GetColumn<float[]>(column).ToArray();
        float[][] expected = File.ReadAllLines(Path.Combine(Fixtures, name + ".expected.txt"))
            .Select(line => line.Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();

        Assert.HasCount(Rows, expected);
        Assert.HasCount(Rows, actual);
        for (int row = 0; row < Rows; row++)
        {
            Assert.HasCount(expected[row].Length, actual[row], $"{name} row {row}");
            for (int i = 0; i < expected[row].Length; i++)
                Assert.AreEqual(expected[row][i], actual[row][i], tolerance * Math.Max(1, Math.Abs(expected[row][i])),
                    $"{name} row {row} value {i}");
        }
    }

    /// <summary>What makes the comparison worth having: the zips come from another ML.NET than the one running.</summary>
    [TestMethod]
    public void Fixtures_WrittenOnMlNet5_AreReadHereOnMlNet6()
    {
        StringAssert.StartsWith(File.ReadAllText(Path.Combine(Fixtures, "written-by.txt")), "MlNetTriplet 0.1.0+2405abe");
        StringAssert.Contains(File.ReadAllText(Path.Combine(Fixtures, "written-by.txt")), "Microsoft.ML 5.0.1+");
        StringAssert.StartsWith(typeof(MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!
            .InformationalVersion, "6.");
    }
}
