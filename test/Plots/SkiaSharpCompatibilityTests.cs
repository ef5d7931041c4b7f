using System.Reflection;
using MlNetTriplet.Plots;
using Mono.Cecil;

namespace MlNetTriplet.Tests.Plots;

/// <summary>OxyPlot.SkiaSharp 2.2.0, which the MlNetTriplet.Plots package draws with, was built against SkiaSharp
/// 2.88, but the package graph holds one SkiaSharp: the one ML.NET's image loading uses (3.x). A member that SkiaSharp removed would only fail when a plot reaches it
/// (MissingMethodException), so every SkiaSharp type and member OxyPlot.SkiaSharp references is resolved here against
/// the assemblies this process actually loads.</summary>
[TestClass]
public sealed class SkiaSharpCompatibilityTests
{
    [TestMethod]
    public void PlotsPackagesOxyPlotSkiaSharp_EveryReferencedSkiaSharpMember_ExistsInTheSkiaSharpInUse()
    {
        var drawnWith = typeof(TrainingPlots).Assembly.GetReferencedAssemblies().Single(a => a.Name == "OxyPlot.SkiaSharp");
        string oxyPlot = Assembly.Load(drawnWith).Location;
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(AppContext.BaseDirectory);
        using var module = ModuleDefinition.ReadModule(oxyPlot, new ReaderParameters { AssemblyResolver = resolver });
        var missing = new List<string>();
        int checkedReferences = 0;
        foreach (var type in module.GetTypeReferences().Where(IsSkia))
        {
            checkedReferences++;
            if (TryResolve(type.Resolve) is null)
                missing.Add(type.FullName);
        }
        foreach (var member in module.GetMemberReferences().Where(m => IsSkia(m.DeclaringType)))
        {
            checkedReferences++;
            if (TryResolve(member.Resolve) is null)
                missing.Add(member.FullName);
        }
        Assert.IsGreaterThan(50, checkedReferences, "OxyPlot.SkiaSharp should reference SkiaSharp throughout.");
        Assert.IsEmpty(missing, "Missing in SkiaSharp " + typeof(SkiaSharp.SKBitmap).Assembly.GetName().Version + ":\n"
            + string.Join("\n", missing));
    }

    private static bool IsSkia(TypeReference type) =>
        type.Scope.Name.StartsWith("SkiaSharp", StringComparison.Ordinal) || type.Scope.Name.StartsWith("HarfBuzzSharp", StringComparison.Ordinal);

    private static object? TryResolve(Func<object?> resolve)
    {
        try
        {
            return resolve();
        }
        catch (AssemblyResolutionException)
        {
            return null;
        }
    }
}
