using System.Text.RegularExpressions;

namespace MlNetTriplet.Tests.Infrastructure;

/// <summary>An application on ML.NET 6.0.0 that references both this package and Microsoft.ML.TorchSharp (ML.NET's own
/// TorchSharp trainers) builds with no warning, trains and reloads our CNN, and runs their trainers as far as they go
/// offline (Infrastructure/Coexistence/Program.cs): whatever of theirs fails must fail for a reason of their own (a
/// weights download, a TorchSharp method their build calls), never a type-load or version conflict.</summary>
[TestClass]
public sealed class TorchSharpCoexistenceTests
{
    /// <summary>The Microsoft.ML.TorchSharp release of ML.NET 6.0 (built against TorchSharp 0.102.7).</summary>
    private const string TheirVersion = "0.24.0";

    /// <summary>Exceptions that would mean the two packages do not fit together in one process.</summary>
    private static readonly string[] ConflictExceptions =
        ["TypeLoadException", "FileLoadException", "FileNotFoundException", "BadImageFormatException", "TypeInitializationException"];

    [TestMethod]
    public void BothPackages_OneApp_OursTrainsAndReloadsAndTheirFailuresAreTheirOwn()
    {
        using var app = ConsumerApp.Create("Coexistence",
        [
            $"""<PackageReference Include="Microsoft.ML" Version="{ConsumerApp.MlNetVersion}" />""",
            $"""<PackageReference Include="Microsoft.ML.TorchSharp" Version="{TheirVersion}" />""",
            ConsumerApp.LibraryPackageReference, ConsumerApp.BackendReference,
        ], File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "test", "Infrastructure", "Coexistence", "Program.cs")));
        TestData.WriteFashionFiles(app.Folder, trainRows: 600, testRows: 200);

        var build = app.Build();
        Assert.AreEqual(0, build.ExitCode, build.Output);
        var resolved = app.ResolvedPackages();
        Assert.AreEqual(TheirVersion, resolved["Microsoft.ML.TorchSharp"]);
        Assert.AreEqual(ConsumerApp.MlNetVersion, resolved["Microsoft.ML"]);
        Assert.AreEqual("0.107.0", resolved["TorchSharp"], "theirs asks for >= 0.102.7, ours for 0.107.0");
        foreach (var (id, version) in resolved.Where(p => p.Key.StartsWith("SkiaSharp", StringComparison.OrdinalIgnoreCase)))
            Assert.AreEqual("3.119.2", version, id);

        var run = app.Run();
        Assert.AreEqual(0, run.ExitCode, run.Output);
        StringAssert.Contains(run.Output, "done", run.Output);
        StringAssert.Contains(run.Output, "names: no collision", run.Output);
        StringAssert.Matches(Step(run.Output, "ours-cnn"), new Regex(@"^ok accuracy 0\.[5-9]\d+, reloaded scores identical$"), run.Output);

        // Their text classifier: trained (weights reachable), or stopped by their download of the weights.
        string text = Step(run.Output, "theirs-text-classification");
        if (text != "ok trained")
            AssertTheirs(text, "InvalidOperationException", "Error downloading resource from 'https://aka.ms/mlnet-resources/models/", run.Output);
        // Their object detector: trained, or stopped inside their network by a TorchSharp method their build calls and
        // TorchSharp 0.107 no longer has (functional.interpolate gained an argument).
        string detection = Step(run.Output, "theirs-object-detection");
        if (!detection.StartsWith("ok trained", StringComparison.Ordinal))
            AssertTheirs(detection, "MissingMethodException", "Method not found: 'Tensor functional.interpolate(", run.Output);

        foreach (string conflict in ConflictExceptions)
            Assert.IsFalse(run.Output.Contains(conflict, StringComparison.Ordinal), $"{conflict}:\n{run.Output}");
        Assert.IsFalse(run.Output.Contains(" in MlNetTriplet ", StringComparison.Ordinal), $"an exception of ours:\n{run.Output}");
    }

    /// <summary>What the program printed for <paramref name="step"/>: "ok ..." or "failed" and its exception lines.</summary>
    private static string Step(string output, string step)
    {
        var match = Regex.Match(output, $@"^{Regex.Escape(step)}: (.*(?:\n  .*)*)", RegexOptions.Multiline);
        Assert.IsTrue(match.Success, $"no line for {step}:\n{output}");
        return match.Groups[1].Value.TrimEnd('\r');
    }

    /// <summary>The innermost exception of a failed step is <paramref name="type"/>, thrown by Microsoft.ML.TorchSharp's
    /// own code, with a message starting as <paramref name="message"/>.</summary>
    private static void AssertTheirs(string outcome, string type, string message, string output)
    {
        string innermost = outcome.Split('\n')[^1].Trim();
        StringAssert.StartsWith(outcome, "failed", output);
        StringAssert.StartsWith(innermost, $"System.{type} in Microsoft.ML.TorchSharp (", output);
        StringAssert.Contains(innermost, "): " + message, output);
    }
}
