namespace MlNetTriplet.Tests.Plots;

/// <summary>Base of the plot tests: each test writes into a fresh temporary folder, deleted afterwards.</summary>
public abstract class PlotTests
{
    /// <summary>This test's folder.</summary>
    protected string Folder { get; private set; } = "";

    [TestInitialize]
    public void CreateFolder() => Folder = TestData.TempDirectory();

    [TestCleanup]
    public void DeleteFolder()
    {
        if (Directory.Exists(Folder))
            Directory.Delete(Folder, recursive: true);
    }
}
