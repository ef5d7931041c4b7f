namespace MlNetTriplet.Cli.Tests;

/// <summary>Base of the tests that write files: each test gets a fresh temporary folder, deleted afterwards.</summary>
public abstract class TempFolderTests
{
    /// <summary>This test's folder.</summary>
    protected string Folder { get; private set; } = "";

    [TestInitialize]
    public void CreateFolder() => Folder = CliData.TempDirectory();

    [TestCleanup]
    public void DeleteFolder()
    {
        if (Directory.Exists(Folder))
            Directory.Delete(Folder, recursive: true);
    }
}
