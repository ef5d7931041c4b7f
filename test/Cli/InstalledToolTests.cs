namespace MlNetTriplet.Cli.Tests;

/// <summary>The tool as users get it: packed (dotnet pack, as built for this run), installed with
/// <c>dotnet tool install --tool-path</c> from a folder feed, and run as the <c>mlnettriplet</c> command outside the
/// repository; the Consumption/ project it writes restores the library package the tool carries, from wherever the
/// tool was installed.</summary>
[TestClass]
public sealed class InstalledToolTests
{
    [TestMethod]
    public void DotnetToolInstall_PackedTool_RunsHelpAndClassificationOfACsv()
    {
        string folder = CliData.TempDirectory();
        try
        {
            string feed = Path.Combine(folder, "feed"), tools = Path.Combine(folder, "tools"), output = Path.Combine(folder, "out");
            // A version no earlier run used, so nothing cached can stand in for this build's package.
            string version = $"0.1.0-installed-{Guid.NewGuid():N}"[..30];
            var pack = CliProcess.Dotnet(CliProcess.RepoRoot, ["pack", "tools/MlNetTriplet.Cli/MlNetTriplet.Cli.csproj", "--no-build",
                "-c", CliProcess.Configuration, $"-p:PackageVersion={version}", "-o", feed, "-nologo", "-nodeReuse:false"]);
            Assert.AreEqual(0, pack.ExitCode, pack.ToString());

            var install = CliProcess.Dotnet(folder, ["tool", "install", "--tool-path", tools, "--add-source", feed,
                "MlNetTriplet.Cli", "--version", version]);
            Assert.AreEqual(0, install.ExitCode, install.ToString());
            string mlnettriplet = Path.Combine(tools, OperatingSystem.IsWindows() ? "mlnettriplet.exe" : "mlnettriplet");

            var help = CliProcess.Execute(mlnettriplet, folder, ["--help"]);
            Assert.AreEqual(0, help.ExitCode, help.ToString());
            foreach (string command in new[] { "classification", "image-classification", "embeddings" })
                StringAssert.Contains(help.Output, command, help.ToString());

            string csv = CliData.FashionCsv(folder, rows: 600);
            var run = CliProcess.Execute(mlnettriplet, folder, ["classification", "--dataset", csv, "--label-col", "article",
                "--epochs", "10", "-o", output]);
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            foreach (string file in new[] { "model.zip", "metrics.json", "report.html", "Consumption/Program.cs", "Consumption/Consumption.csproj" })
                Assert.IsTrue(File.Exists(Path.Combine(output, file)), $"{file}\n{run}");
            var metrics = Json.Metrics(output);
            Assert.AreEqual("multiclass", metrics.At("task").GetString());
            Assert.AreEqual(10, metrics.At("classes").GetArrayLength());
            // Ten balanced classes: chance is 10%.
            Assert.IsGreaterThan(0.3, metrics.At("network.accuracy").GetDouble(), "network accuracy");
            Assert.IsGreaterThan(0.3, metrics.At("lightGbm.accuracy").GetDouble(), "LightGBM accuracy");

            // The generated project restores MlNetTriplet from the package the installed tool carries.
            var fields = File.ReadLines(csv).Skip(1).First().Split(',');
            var predicted = ConsumptionRun.BuildAndRun(output, string.Join(',', fields[..^1]));
            Assert.AreEqual(0, predicted.ExitCode, predicted.ToString());
            StringAssert.StartsWith(predicted.Output, "article: ", predicted.ToString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
