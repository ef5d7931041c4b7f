namespace MlNetTriplet.Cli.Tests;

/// <summary>Builds a generated Consumption/ project as its user would (dotnet build in its folder: restore from its
/// local feed and nuget.org) and runs it.</summary>
internal static class ConsumptionRun
{
    /// <summary>Builds the project under <paramref name="outputDirectory"/> and runs it with <paramref name="input"/>;
    /// fails the test when the build fails.</summary>
    public static ProcessResult BuildAndRun(string outputDirectory, string input)
    {
        string project = Path.Combine(outputDirectory, "Consumption");
        var build = CliProcess.Dotnet(project, ["build", "-nologo", "-v", "q"]);
        Assert.AreEqual(0, build.ExitCode, "the generated project builds\n" + build);
        return Run(outputDirectory, input);
    }

    /// <summary>Runs the project built by <see cref="BuildAndRun"/> again.</summary>
    public static ProcessResult Run(string outputDirectory, string input) =>
        CliProcess.Dotnet(Path.Combine(outputDirectory, "Consumption"), ["run", "--no-build", "--", input]);
}
