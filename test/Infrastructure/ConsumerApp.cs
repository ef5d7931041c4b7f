using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Xml.Linq;

namespace MlNetTriplet.Tests.Infrastructure;

/// <summary>A console application in a fresh folder outside the repository, as a user makes it: a project file with
/// its own package references, the repository's nuget.config (plus, for package references to MlNetTriplet, the
/// local feed the test build packed the library into), and a Program.cs. It sees none of the repository's build files
/// (Directory.Build.*, Directory.Packages.props); packages come from the machine's NuGet cache, which the test run has
/// filled. Deleted on dispose.</summary>
internal sealed class ConsumerApp : IDisposable
{
    /// <summary>The ML.NET version the package is built and tested on, the lowest of the range it declares.</summary>
    public const string MlNetVersion = "6.0.0";

    private static readonly string Configuration = Metadata("Configuration");

    /// <summary>The folder holding the MlNetTriplet and MlNetTriplet.Plots packages the test build packed
    /// (build/LibraryPackage.targets).</summary>
    public static readonly string LibraryFeed = Path.Combine(AppContext.BaseDirectory, "packages");

    /// <summary>The path and version of the MlNetTriplet package.</summary>
    public static (string Path, string Version) LibraryPackage => Package("MlNetTriplet");

    /// <summary>The path and version of the MlNetTriplet.Plots package.</summary>
    public static (string Path, string Version) PlotsPackage => Package("MlNetTriplet.Plots");

    /// <summary>A package reference to MlNetTriplet, as packed by the test build.</summary>
    public static string LibraryPackageReference => $"""<PackageReference Include="MlNetTriplet" Version="{LibraryPackage.Version}" />""";

    /// <summary>A package reference to MlNetTriplet.Plots, as packed by the test build.</summary>
    public static string PlotsPackageReference => $"""<PackageReference Include="MlNetTriplet.Plots" Version="{PlotsPackage.Version}" />""";

    /// <summary>A project reference to the library's source project.</summary>
    public static string LibraryProjectReference =>
        $"""<ProjectReference Include="{Path.Combine(TestData.RepositoryRoot, "src", "MlNetTriplet.csproj")}" />""";

    /// <summary>The libtorch native backend an application picks (the README's Installing section): the Linux x64
    /// package alone where it fits, every platform's otherwise.</summary>
    public static string BackendReference => RuntimeInformation.OSArchitecture == Architecture.X64 && OperatingSystem.IsLinux()
        ? $"""<PackageReference Include="libtorch-cpu-linux-x64" Version="{Metadata("LibTorchVersion")}" />"""
        : $"""<PackageReference Include="TorchSharp-cpu" Version="{Metadata("TorchSharpVersion")}" />""";

    /// <summary>The application's folder.</summary>
    public string Folder { get; }

    /// <summary>The built program (bin/&lt;configuration&gt;/net10.0/&lt;name&gt;.dll).</summary>
    public string Program { get; }

    private ConsumerApp(string name)
    {
        Folder = Path.Combine(Path.GetTempPath(), $"mlnettriplet-{name.ToLowerInvariant()}-{Guid.NewGuid():N}");
        Program = Path.Combine(Folder, "bin", Configuration, "net10.0", name + ".dll");
    }

    /// <summary>Writes the application <paramref name="name"/> with <paramref name="references"/> (project file lines)
    /// and <paramref name="program"/> as its Program.cs.</summary>
    public static ConsumerApp Create(string name, IEnumerable<string> references, string program)
    {
        var app = new ConsumerApp(name);
        Directory.CreateDirectory(app.Folder);
        File.WriteAllText(Path.Combine(app.Folder, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                {string.Join("\n    ", references)}
              </ItemGroup>
            </Project>
            """);
        WriteNugetConfig(Path.Combine(app.Folder, "nuget.config"));
        File.WriteAllText(Path.Combine(app.Folder, "Program.cs"), program);
        return app;
    }

    /// <summary><c>dotnet build</c> with every warning an error (NuGet's restore warnings such as NU1608 and NU1603
    /// included, and MSB3277: two versions of one assembly, a FileNotFoundException at run time).</summary>
    public ChildProcess.Result Build() => Dotnet(["build", "-c", Configuration, "-warnaserror", "-nodeReuse:false",
        "-p:UseSharedCompilation=false"]);

    /// <summary>Runs the built program in the application's folder.</summary>
    public ChildProcess.Result Run(IEnumerable<string>? arguments = null, Dictionary<string, string?>? environment = null) =>
        Dotnet([Program, .. arguments ?? []], environment);

    /// <summary>The packages NuGet resolved for the application (obj/project.assets.json): id to version.</summary>
    public IReadOnlyDictionary<string, string> ResolvedPackages()
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "obj", "project.assets.json")));
        var resolved = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var library in assets.RootElement.GetProperty("targets").GetProperty("net10.0").EnumerateObject())
            if (library.Value.GetProperty("type").GetString() == "package")
            {
                string[] idAndVersion = library.Name.Split('/');
                resolved.Add(idAndVersion[0], idAndVersion[1]);
            }
        return resolved;
    }

    /// <summary>The version range <paramref name="package"/> (resolved) declares for its dependency
    /// <paramref name="dependency"/>, as NuGet recorded it.</summary>
    public string DependencyRange(string package, string dependency)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "obj", "project.assets.json")));
        return assets.RootElement.GetProperty("targets").GetProperty("net10.0")
            .GetProperty($"{package}/{ResolvedPackages()[package]}").GetProperty("dependencies").GetProperty(dependency).GetString()!;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    /// <summary>The package <paramref name="id"/> in <see cref="LibraryFeed"/>: its file name is the id, a dot and a
    /// version (so MlNetTriplet does not match MlNetTriplet.Plots).</summary>
    private static (string Path, string Version) Package(string id)
    {
        string path = Directory.GetFiles(LibraryFeed, id + ".*.nupkg").Single(p => char.IsDigit(Path.GetFileName(p)[id.Length + 1]));
        return (path, Path.GetFileNameWithoutExtension(path)[(id.Length + 1)..]);
    }

    /// <summary>The repository's nuget.config, with the local feed of <see cref="LibraryFeed"/> added for MlNetTriplet
    /// and MlNetTriplet.Plots alone (package source mapping sends every other id where the repository sends it).</summary>
    private static void WriteNugetConfig(string path)
    {
        var config = XDocument.Load(Path.Combine(TestData.RepositoryRoot, "nuget.config"));
        var root = config.Root!;
        root.Element("packageSources")!.Add(new XElement("add", new XAttribute("key", "mlnettriplet-local"),
            new XAttribute("value", LibraryFeed)));
        root.Element("packageSourceMapping")!.Add(new XElement("packageSource", new XAttribute("key", "mlnettriplet-local"),
            new XElement("package", new XAttribute("pattern", "MlNetTriplet")),
            new XElement("package", new XAttribute("pattern", "MlNetTriplet.Plots"))));
        config.Save(path);
    }

    /// <summary>Runs the dotnet CLI in the application's folder without the variables the test run's own MSBuild and
    /// test host set, so the child works as from a user's shell; <paramref name="environment"/> adds variables.</summary>
    private ChildProcess.Result Dotnet(string[] arguments, Dictionary<string, string?>? environment = null)
    {
        environment ??= [];
        foreach (string name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || name.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase))
                environment.TryAdd(name, null);
        return ChildProcess.Run("dotnet", arguments, Folder, environment);
    }

    private static string Metadata(string key) => typeof(ConsumerApp).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
