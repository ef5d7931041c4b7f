using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MlNetTriplet.Native;
using MlNetTriplet.Tests.Readme;

namespace MlNetTriplet.Tests.Infrastructure;

/// <summary>What users do: an application outside the repository on ML.NET 6.0.0 references the package (restored from
/// a local feed) or the library's project, plus one libtorch package; it builds with no warning at all and runs the
/// README's quick start on the first Fashion-MNIST images, without OxyPlot. One that also wants pictures references the
/// MlNetTriplet.Plots package and draws with it.</summary>
[TestClass]
public sealed class ConsumerAppTests
{
    /// <summary>Warnings a version mismatch gives (dependency constraint not met, approximate match, two versions of
    /// one assembly): the build treats every warning as an error, and none of these may even be printed.</summary>
    private static readonly string[] VersionWarnings = ["NU1608", "NU1603", "NU1605", "NU1107", "MSB3277"];

    [TestMethod]
    public void PackageReferenceApp_OnMlNet6_BuildsWithoutWarningsAndRunsTheQuickStart()
    {
        using var app = QuickStartApp("PackageConsumer", ConsumerApp.LibraryPackageReference);
        BuildAndRunQuickStart(app);

        var resolved = app.ResolvedPackages();
        Assert.AreEqual(ConsumerApp.LibraryPackage.Version, resolved["MlNetTriplet"], "the package from the local feed");
        Assert.AreEqual(ConsumerApp.MlNetVersion, resolved["Microsoft.ML"]);
        Assert.AreEqual(ConsumerApp.MlNetVersion, resolved["Microsoft.ML.ImageAnalytics"]);
        AssertOneSkiaSharp(app, resolved);
        // Plots are a package of their own: training and predicting bring no plotting library.
        foreach (string id in resolved.Keys)
            if (id.StartsWith("OxyPlot", StringComparison.OrdinalIgnoreCase) || id.Equals("SkiaSharp.HarfBuzz", StringComparison.OrdinalIgnoreCase))
                Assert.Fail($"{id} {resolved[id]} is in the graph of an application that references only MlNetTriplet.");
    }

    [TestMethod]
    public void PlotsPackageApp_OnMlNet6_BuildsWithoutWarningsAndDrawsPngs()
    {
        using var app = ConsumerApp.Create("PlotsConsumer",
            [$"""<PackageReference Include="Microsoft.ML" Version="{ConsumerApp.MlNetVersion}" />""", ConsumerApp.PlotsPackageReference,
                ConsumerApp.BackendReference],
            """
            using Microsoft.ML;
            using Microsoft.ML.Data;
            using MlNetTriplet;
            using MlNetTriplet.Plots;

            var ml = new MLContext(seed: 1);
            var roc = RocCurve.FromScores("scores", [true, false, true, false], [0.9f, 0.2f, 0.6f, 0.7f]);
            TrainingPlots.SaveRocCurves([roc], "roc.png");
            var points = ml.Data.LoadFromEnumerable(new[] { new Point([0f, 1f], "a"), new Point([1f, 0f], "b") });
            ScatterPlots.SaveScatter(points, "Xy", "Label", "map.png");

            sealed record Point([property: VectorType(2)] float[] Xy, string Label);
            """);
        BuildWithoutWarnings(app);
        var run = app.Run();
        Assert.AreEqual(0, run.ExitCode, run.Output);
        foreach (string png in new[] { "roc.png", "map.png" })
            Assert.IsGreaterThan(0L, new FileInfo(Path.Combine(app.Folder, png)).Length, png);

        var resolved = app.ResolvedPackages();
        Assert.AreEqual(ConsumerApp.PlotsPackage.Version, resolved["MlNetTriplet.Plots"], "the plots package from the local feed");
        Assert.AreEqual(ConsumerApp.LibraryPackage.Version, resolved["MlNetTriplet"], "the library of the same version");
        Assert.IsTrue(resolved.ContainsKey("OxyPlot.SkiaSharp"), "the plots package draws with OxyPlot");
        AssertOneSkiaSharp(app, resolved);
    }

    [TestMethod]
    public void ProjectReferenceApp_OnMlNet6_BuildsWithoutWarningsAndRunsTheQuickStart()
    {
        using var app = QuickStartApp("ProjectConsumer", ConsumerApp.LibraryProjectReference);
        BuildAndRunQuickStart(app);
        Assert.AreEqual(ConsumerApp.MlNetVersion, app.ResolvedPackages()["Microsoft.ML"]);

        // When libtorch cannot load, the package's first call says why and how to fix it. On a machine whose
        // libstdc++ lacks GLIBCXX_3.4.32 (Debian 12), block the fix: the patched copy needs a temp folder.
        if (OperatingSystem.IsLinux() && GlibcxxNeed.FindLibStdCxx() is { } libStdCxx && !GlibcxxNeed.Provides(File.ReadAllBytes(libStdCxx)))
        {
            var blocked = app.Run(environment: new() { ["TMPDIR"] = Path.Combine(app.Folder, "missing") });
            Assert.AreNotEqual(0, blocked.ExitCode, blocked.Output);
            StringAssert.Contains(blocked.Output, "needs GLIBCXX_3.4.32");
            StringAssert.Contains(blocked.Output, $"stops at {GlibcxxNeed.Highest(File.ReadAllBytes(libStdCxx))}");
            StringAssert.Contains(blocked.Output, "point TMPDIR at a writable folder");
            Assert.IsFalse(blocked.Output.Contains("doesn't contain a reference to", StringComparison.Ordinal),
                "TorchSharp's own message blames a package reference that is there");
        }
    }

    [TestMethod]
    public void Nuspec_PackedLibrary_DeclaresMlNet6RangeAndOneSkiaSharp()
    {
        using var package = ZipFile.OpenRead(ConsumerApp.LibraryPackage.Path);
        var dependencies = NuspecDependencies(package, "MlNetTriplet");

        Assert.AreEqual("[6.0.0, 7.0.0)", dependencies["Microsoft.ML"]);
        Assert.AreEqual("[6.0.0, 7.0.0)", dependencies["Microsoft.ML.ImageAnalytics"]);
        Assert.AreEqual("0.107.0", dependencies["TorchSharp"]);
        foreach (var (id, version) in dependencies.Where(d => d.Key.StartsWith("SkiaSharp", StringComparison.Ordinal)))
            Assert.AreEqual("3.119.2", version, id);
        Assert.IsTrue(dependencies.ContainsKey("SkiaSharp"), "SkiaSharp (photo decoding) at ML.NET 6's version");
        Assert.IsFalse(dependencies.Keys.Any(id => id.StartsWith("OxyPlot", StringComparison.Ordinal)), "OxyPlot is the plots package's");
        foreach (string entry in new[] { "lib/net10.0/MlNetTriplet.dll", "buildTransitive/MlNetTriplet.targets", "buildTransitive/MlNetTriplet.GlibcxxNeed.cs" })
            Assert.IsNotNull(package.GetEntry(entry), entry);
    }

    [TestMethod]
    public void Nuspec_PackedPlots_DependsOnTheLibraryOfItsVersionAndPinsSkiaSharp()
    {
        using var package = ZipFile.OpenRead(ConsumerApp.PlotsPackage.Path);
        var dependencies = NuspecDependencies(package, "MlNetTriplet.Plots");

        Assert.AreEqual(ConsumerApp.LibraryPackage.Version, dependencies["MlNetTriplet"]);
        Assert.IsTrue(dependencies.ContainsKey("OxyPlot.SkiaSharp"), "OxyPlot.SkiaSharp");
        // OxyPlot.SkiaSharp asks for SkiaSharp and SkiaSharp.HarfBuzz 2.88 or later: both pinned at ML.NET 6's version.
        foreach (string id in new[] { "SkiaSharp", "SkiaSharp.HarfBuzz" })
            Assert.AreEqual("3.119.2", dependencies[id], id);
        Assert.IsNotNull(package.GetEntry("lib/net10.0/MlNetTriplet.Plots.dll"));
    }

    /// <summary>The dependencies the nuspec of package <paramref name="id"/> declares: id to version range.</summary>
    private static Dictionary<string, string> NuspecDependencies(ZipArchive package, string id)
    {
        using var stream = package.GetEntry(id + ".nuspec")!.Open();
        return XDocument.Load(stream).Descendants().Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(e => e.Attribute("id")!.Value, e => e.Attribute("version")!.Value);
    }

    /// <summary>A console app on Microsoft.ML 6.0.0 with <paramref name="library"/>, one libtorch package and the README's
    /// quick start as its Program.cs, beside small Fashion-MNIST files.</summary>
    private static ConsumerApp QuickStartApp(string name, string library)
    {
        var app = ConsumerApp.Create(name,
            [$"""<PackageReference Include="Microsoft.ML" Version="{ConsumerApp.MlNetVersion}" />""", library, ConsumerApp.BackendReference],
            ReadmeSnippets.MarkedCode("test/Readme/QuickStart/Program.cs")!);
        TestData.WriteFashionFiles(app.Folder, trainRows: 600, testRows: 200);
        return app;
    }

    /// <summary>Builds <paramref name="app"/> (no warning), runs it and checks the quick start's outputs.</summary>
    private static void BuildAndRunQuickStart(ConsumerApp app)
    {
        BuildWithoutWarnings(app);

        var run = app.Run();
        Assert.AreEqual(0, run.ExitCode, run.Output);
        // 600 training images, 5 epochs: 75.0% here; ten classes make chance 10%.
        var accuracy = Regex.Match(run.Output, @"Test accuracy (\d+[.,]\d) ?%");
        Assert.IsTrue(accuracy.Success, run.Output);
        Assert.IsGreaterThan(50.0, double.Parse(accuracy.Groups[1].Value.Replace(',', '.'), CultureInfo.InvariantCulture), run.Output);
        Assert.IsTrue(File.Exists(Path.Combine(app.Folder, "fashion-cnn.zip")), run.Output);
        StringAssert.Contains(run.Output, "Best epoch ", "the training history kept in the model");
    }

    /// <summary>Builds <paramref name="app"/>: no error, and none of <see cref="VersionWarnings"/> even printed.</summary>
    private static void BuildWithoutWarnings(ConsumerApp app)
    {
        var build = app.Build();
        Assert.AreEqual(0, build.ExitCode, build.Output);
        foreach (string code in VersionWarnings)
            Assert.IsFalse(build.Output.Contains(code, StringComparison.Ordinal), $"{code} in the build:\n{build.Output}");
    }

    /// <summary>One SkiaSharp: ImageAnalytics 6.0.0's, for every SkiaSharp package (plots and image loading alike).</summary>
    private static void AssertOneSkiaSharp(ConsumerApp app, IReadOnlyDictionary<string, string> resolved)
    {
        string imageAnalyticsSkia = app.DependencyRange("Microsoft.ML.ImageAnalytics", "SkiaSharp").Trim('[', ']', ' ').Split(',')[0];
        Assert.AreEqual("3.119.2", imageAnalyticsSkia, "the SkiaSharp ML.NET 6's image loading asks for");
        var skia = resolved.Where(p => p.Key.StartsWith("SkiaSharp", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.IsTrue(skia.Any(p => p.Key == "SkiaSharp"), "SkiaSharp is in the graph");
        foreach (var (id, version) in skia)
            Assert.AreEqual(imageAnalyticsSkia, version, id);
    }
}
