using System.Runtime.InteropServices;
using TorchSharp;

namespace MlNetTriplet.Native;

/// <summary>Loads libtorch for TorchSharp before TorchSharp does, so that it loads wherever it can and otherwise
/// fails with the real cause and its fix. Every path of this package that reaches TorchSharp (training, and the
/// networks built when a model zip loads) calls <see cref="EnsureLoaded"/> first.</summary>
/// <remarks>Why at run time rather than in MSBuild: a project's build targets reach NuGet consumers only (through
/// buildTransitive), never an application that references src/MlNetTriplet.csproj, and they judge the build
/// machine's libstdc++ rather than the one the application runs on. Loading libtorch from inside the library covers
/// every application, however it was built and wherever it runs; the build targets remain for code that calls
/// TorchSharp before MlNetTriplet. Why a patched copy rather than patching the application's file: the application
/// folder may be read-only (a container, a package installed by root), and a library should not rewrite it. The copy
/// carries the soname libLibTorchSharp.so, so the dynamic loader hands it to TorchSharp's own load by name.</remarks>
internal static class LibTorch
{
    // The versions this package is built against (Directory.Packages.props), named in the messages' fixes.
    private const string TorchSharpVersion = "0.107.0", LibTorchVersion = "2.10.0";

    private static readonly Lazy<string?> Failure = new(() => Load(NativeFolders()));

    /// <summary>Loads libtorch and TorchSharp's native bridge once per process; throws when they cannot load.</summary>
    /// <exception cref="InvalidOperationException">libtorch cannot load: the message says why and how to fix it.</exception>
    public static void EnsureLoaded()
    {
        if (Failure.Value is { } message)
            throw new InvalidOperationException(message);
    }

    /// <summary><see cref="EnsureLoaded"/>, then <paramref name="moduleName"/>: a module constructor passes its name
    /// through this to its TorchSharp base constructor, which is the first to touch libtorch.</summary>
    public static string Loaded(string moduleName)
    {
        EnsureLoaded();
        return moduleName;
    }

    /// <summary>Loads libtorch from the first of <paramref name="folders"/> that holds it; returns the failure
    /// message, or null when loaded.</summary>
    internal static string? Load(IReadOnlyList<string> folders)
    {
        string backendFile = FileName("torch"), bridgeFile = FileName("LibTorchSharp");
        string? backend = Find(folders, backendFile), bridge = Find(folders, bridgeFile);
        if (backend is null)
            return $"libtorch, TorchSharp's native backend, is missing: the application references TorchSharp (through MlNetTriplet) but no libtorch package, so {backendFile} is in none of its native folders ({string.Join(", ", folders)}). " +
                   $"Add one backend package to the application's project: <PackageReference Include=\"TorchSharp-cpu\" Version=\"{TorchSharpVersion}\" /> (CPU, every platform), " +
                   $"or on Linux x64 only the smaller <PackageReference Include=\"libtorch-cpu-linux-x64\" Version=\"{LibTorchVersion}\" />; TorchSharp-cuda-linux or TorchSharp-cuda-windows for NVIDIA GPUs.";
        if (bridge is null)
            return $"TorchSharp's native library {bridgeFile} is in none of the application's native folders ({string.Join(", ", folders)}), while libtorch is ({backend}): TorchSharp {TorchSharpVersion} ships it for linux-x64, osx-arm64, win-x64 and win-arm64, and this process runs on {RuntimeInformation.RuntimeIdentifier}.";
        try
        {
            nint torch = NativeLibrary.Load(backend);
            string? problem = OperatingSystem.IsLinux() ? LoadBridgeOnLinux(bridge) : LoadBridge(bridge);
            if (problem is null)
                DisableNnpack(torch);
            return problem;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or IOException or UnauthorizedAccessException)
        {
            return $"libtorch could not be loaded from {Path.GetDirectoryName(backend)}: {e.Message} " +
                   $"MlNetTriplet is built for TorchSharp {TorchSharpVersion} with libtorch {LibTorchVersion}: check that the application's backend package (TorchSharp-cpu, libtorch-cpu-*, TorchSharp-cuda-*) has these versions.";
        }
    }

    private static string? LoadBridge(string bridge)
    {
        NativeLibrary.Load(bridge);
        return null;
    }

    /// <summary>Loads the bridge, or a copy of it with <see cref="GlibcxxNeed.Version"/> marked weak when this
    /// process's libstdc++ lacks that version (libtorch, loaded before, has brought libstdc++ in).</summary>
    private static string? LoadBridgeOnLinux(string bridge)
    {
        byte[] elf = File.ReadAllBytes(bridge);
        if (GlibcxxNeed.Weaken(elf) == 0)
            return LoadBridge(bridge);
        string? libStdCxx = LoadedLibStdCxx() ?? GlibcxxNeed.FindLibStdCxx();
        byte[]? libStdCxxImage = libStdCxx is null ? null : File.ReadAllBytes(libStdCxx);
        if (libStdCxxImage is null || GlibcxxNeed.Provides(libStdCxxImage))
            return LoadBridge(bridge);

        // A fresh private folder (mode 0700, unique): a predictable path in a shared temp folder could be planted.
        DirectoryInfo? folder = null;
        try
        {
            folder = Directory.CreateTempSubdirectory("mlnettriplet-");
            string copy = Path.Combine(folder.FullName, Path.GetFileName(bridge));
            File.WriteAllBytes(copy, elf);
            NativeLibrary.Load(copy);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException)
        {
            return $"{bridge} needs {GlibcxxNeed.Version} (the C++ library of GCC 13), but this machine's libstdc++ ({libStdCxx}) stops at {GlibcxxNeed.Highest(libStdCxxImage) ?? "an older version"}, as on Debian 12 and Ubuntu 22.04. " +
                   $"Only an unused marker symbol asks for that version, so MlNetTriplet loads a copy of the file with the need marked optional, but the copy failed in {Path.GetTempPath()}: {e.Message} " +
                   "Fix: point TMPDIR at a writable folder that allows executables, or install a libstdc++ from GCC 13 or later.";
        }
        finally
        {
            // The loaded copy stays mapped; nothing is left behind in the temp folder.
            try
            {
                folder?.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The libstdc++ this process has mapped (it honours LD_LIBRARY_PATH and the like), or null.</summary>
    private static string? LoadedLibStdCxx()
    {
        try
        {
            return File.ReadLines("/proc/self/maps").Select(line => line[(line.IndexOf('/') is var at and >= 0 ? at : line.Length)..])
                .FirstOrDefault(path => Path.GetFileName(path).StartsWith("libstdc++.so", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>libtorch asks whether NNPACK is available whenever oneDNN declines a float convolution (one small
    /// image: a single-row prediction) and, on CPUs NNPACK does not support (no AVX2), logs "Could not initialize
    /// NNPACK! Reason: Unsupported hardware." at every call: two lines per prediction of a two-convolution network.
    /// With NNPACK switched off the question is never asked. No computation changes: NNPACK takes only batches of 16
    /// rows or more, and oneDNN takes every one of those first. TorchSharp has no binding for this switch, so this
    /// calls libtorch's C++ exports for <c>at::globalContext().setUserEnabledNNPACK(false)</c> (Itanium ABI names, as
    /// on Linux and macOS; elsewhere the exports are not found and nothing changes).</summary>
    private static unsafe void DisableNnpack(nint torch)
    {
        if (!NativeLibrary.TryGetExport(torch, "_ZN2at13globalContextEv", out nint globalContext)
            || !NativeLibrary.TryGetExport(torch, "_ZN2at7Context20setUserEnabledNNPACKEb", out nint setEnabled))
            return;
        nint context = ((delegate* unmanaged<nint>)globalContext)();
        ((delegate* unmanaged<nint, byte, void>)setEnabled)(context, 0);
    }

    /// <summary>Where the runtime looks for native libraries: the host's list (the folders of the native assets in
    /// deps.json), then the application's and TorchSharp's folders.</summary>
    private static List<string> NativeFolders()
    {
        var folders = (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        folders.Add(AppContext.BaseDirectory);
        if (Path.GetDirectoryName(typeof(torch).Assembly.Location) is { Length: > 0 } torchSharp)
            folders.Add(torchSharp);
        return folders.Select(Path.TrimEndingDirectorySeparator).Distinct().ToList();
    }

    private static string? Find(IReadOnlyList<string> folders, string file) =>
        folders.Select(folder => Path.Combine(folder, file)).FirstOrDefault(File.Exists);

    private static string FileName(string library) =>
        OperatingSystem.IsWindows() ? library + ".dll"
        : OperatingSystem.IsMacOS() ? "lib" + library + ".dylib"
        : "lib" + library + ".so";
}
