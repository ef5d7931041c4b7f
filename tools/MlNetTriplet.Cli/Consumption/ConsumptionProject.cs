using System.Reflection;
using System.Text;
using MlNetTriplet.Cli.Running;

namespace MlNetTriplet.Cli.Consumption;

/// <summary>Writes <c>Consumption/</c>: a console project that loads the run's model.zip and predicts for an input
/// given on its command line. It references MlNetTriplet as a user would, by package: the tool carries the package it
/// was built with (packages/ beside it) and the project restores it from a local feed (its nuget.config), everything
/// else from nuget.org, so it builds wherever the output folder is copied.</summary>
internal static class ConsumptionProject
{
    private const string PackageId = "MlNetTriplet";

    /// <summary>Writes the project.</summary>
    /// <param name="output">The run's output folder (model.zip is there).</param>
    /// <param name="values">Values for the templates' <c>{{Name}}</c> placeholders (Scenario, Usage and the program's).</param>
    /// <param name="programTemplate">The Program.cs template's name.</param>
    /// <param name="content">Files of the output folder the program reads, relative to it (copied beside the program):
    /// a file, or a folder's files as "folder/*".</param>
    public static void Write(OutputFolder output, IReadOnlyDictionary<string, string> values, string programTemplate,
        IEnumerable<string> content)
    {
        string directory = output.ConsumptionDirectory;
        string packages = Path.Combine(directory, "packages");
        Directory.CreateDirectory(packages);
        var (packagePath, version) = CarriedPackage();
        foreach (string old in Directory.GetFiles(packages, PackageId + ".*.nupkg"))
            File.Delete(old);
        File.Copy(packagePath, Path.Combine(packages, Path.GetFileName(packagePath)));

        var all = new Dictionary<string, string>(values)
        {
            ["PackageVersion"] = version,
            ["LibTorchVersion"] = Metadata("LibTorchVersion"),
            ["ContentItems"] = string.Join('\n', content.Select(Item)),
        };
        File.WriteAllText(Path.Combine(directory, "Consumption.csproj"), Fill(Template("Consumption.csproj.txt"), all));
        File.WriteAllText(Path.Combine(directory, "nuget.config"), Template("nuget.config.txt"));
        foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            File.WriteAllText(Path.Combine(directory, name), Template("Directory.Build.txt"));
        File.WriteAllText(Path.Combine(directory, "Program.cs"), Fill(Template(programTemplate), all));
    }

    /// <summary>The MlNetTriplet package the tool carries, and its version (from the file name).</summary>
    private static (string Path, string Version) CarriedPackage()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "packages");
        var found = Directory.Exists(folder) ? Directory.GetFiles(folder, PackageId + ".*.nupkg") : [];
        if (found.Length != 1)
            throw new InvalidOperationException(
                $"The tool should carry exactly one {PackageId} package in '{folder}' (found {found.Length}): rebuild the tool.");
        string name = Path.GetFileNameWithoutExtension(found[0]);
        return (found[0], name[(PackageId.Length + 1)..]);
    }

    private static string Item(string relative) => relative.EndsWith("/*", StringComparison.Ordinal)
        ? $"    <None Include=\"../{relative}\" LinkBase=\"{relative[..^2]}\" CopyToOutputDirectory=\"PreserveNewest\" />"
        : $"    <None Include=\"../{relative}\" Link=\"{relative}\" CopyToOutputDirectory=\"PreserveNewest\" />";

    /// <summary>Replaces every <c>{{Name}}</c> of <paramref name="template"/>.</summary>
    internal static string Fill(string template, IReadOnlyDictionary<string, string> values)
    {
        var text = new StringBuilder(template);
        foreach (var (name, value) in values)
            text.Replace("{{" + name + "}}", value);
        string result = text.ToString();
        int left = result.IndexOf("{{", StringComparison.Ordinal);
        if (left >= 0)
            throw new InvalidOperationException($"Template placeholder {result[left..(result.IndexOf("}}", left, StringComparison.Ordinal) + 2)]} has no value.");
        return result;
    }

    private static string Template(string name)
    {
        using var stream = typeof(ConsumptionProject).Assembly.GetManifestResourceStream(name)
                           ?? throw new InvalidOperationException($"Template {name} is not embedded in the tool.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string Metadata(string key) =>
        typeof(ConsumptionProject).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
