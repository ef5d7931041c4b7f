using System.Reflection;
using System.Runtime.InteropServices;
using MlNetTriplet.Native;
using MlNetTriplet.Tests.Readme;

namespace MlNetTriplet.Tests.Infrastructure;

/// <summary>What contributors and early adopters do: an application in a folder outside the repository references
/// src/MlNetTriplet.csproj and one libtorch package, builds and runs the README's quick start. It sees none of the
/// repository's build files (Directory.Build.*, Directory.Packages.props, build/MlNetTriplet.targets), only its own
/// copy of nuget.config; packages come from the machine's NuGet cache, which the test run has filled.</summary>
[TestClass]
public sealed class ConsumerAppTests
{
    private static readonly string Configuration = typeof(ConsumerAppTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;

    [TestMethod]
    public void ProjectReferenceApp_OutsideTheRepository_BuildsAndRunsTheQuickStart()
    {
        string app = Path.Combine(Path.GetTempPath(), "mlnettriplet-consumer-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(app);
        try
        {
            WriteApp(app);
            TestData.WriteFashionFiles(app, trainRows: 600, testRows: 200);

            // MSB3277 (two versions of one assembly, the cause of a FileNotFoundException at run time) fails the build.
            var build = Dotnet(app, ["build", "-c", Configuration, "-warnAsError:MSB3277", "-nodeReuse:false",
                "-p:UseSharedCompilation=false"]);
            Assert.AreEqual(0, build.ExitCode, build.Output);
            string program = Path.Combine(app, "bin", Configuration, "net10.0", "Consumer.dll");

            var run = Dotnet(app, [program]);
            Assert.AreEqual(0, run.ExitCode, run.Output);
            StringAssert.Contains(run.Output, "Test accuracy");
            Assert.IsTrue(File.Exists(Path.Combine(app, "fashion-cnn.zip")), run.Output);
            Assert.IsTrue(File.Exists(Path.Combine(app, "loss-curves.png")), run.Output);

            // When libtorch cannot load, the package's first call says why and how to fix it. On a machine whose
            // libstdc++ lacks GLIBCXX_3.4.32 (Debian 12), block the fix: the patched copy needs a temp folder.
            if (OperatingSystem.IsLinux() && GlibcxxNeed.FindLibStdCxx() is { } libStdCxx && !GlibcxxNeed.Provides(File.ReadAllBytes(libStdCxx)))
            {
                var blocked = Dotnet(app, [program], new() { ["TMPDIR"] = Path.Combine(app, "missing") });
                Assert.AreNotEqual(0, blocked.ExitCode, blocked.Output);
                StringAssert.Contains(blocked.Output, "needs GLIBCXX_3.4.32");
                StringAssert.Contains(blocked.Output, $"stops at {GlibcxxNeed.Highest(File.ReadAllBytes(libStdCxx))}");
                StringAssert.Contains(blocked.Output, "point TMPDIR at a writable folder");
                Assert.IsFalse(blocked.Output.Contains("doesn't contain a reference to", StringComparison.Ordinal),
                    "TorchSharp's own message blames a package reference that is there");
            }
        }
        finally
        {
            Directory.Delete(app, recursive: true);
        }
    }

    /// <summary>A console project as <c>dotnet new console</c> makes it, plus the two references, and the README's
    /// quick start as its Program.cs.</summary>
    private static void WriteApp(string app)
    {
        string backend = RuntimeInformation.OSArchitecture == Architecture.X64 && OperatingSystem.IsLinux()
            ? """<PackageReference Include="libtorch-cpu-linux-x64" Version="2.10.0" />"""
            : """<PackageReference Include="TorchSharp-cpu" Version="0.107.0" />""";
        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{Path.Combine(TestData.RepositoryRoot, "src", "MlNetTriplet.csproj")}" />
                {backend}
              </ItemGroup>
            </Project>
            """);
        File.Copy(Path.Combine(TestData.RepositoryRoot, "nuget.config"), Path.Combine(app, "nuget.config"));
        File.WriteAllText(Path.Combine(app, "Program.cs"), ReadmeSnippets.MarkedCode("test/Readme/QuickStart/Program.cs"));
    }

    /// <summary>Runs the dotnet CLI in <paramref name="app"/> without the variables the test run's own MSBuild and
    /// test host set, so the child works as from a user's shell; <paramref name="environment"/> adds variables.</summary>
    private static ChildProcess.Result Dotnet(string app, string[] arguments, Dictionary<string, string?>? environment = null)
    {
        environment ??= [];
        foreach (string name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || name.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase))
                environment.TryAdd(name, null);
        return ChildProcess.Run("dotnet", arguments, app, environment);
    }
}
