using System.Runtime.InteropServices;

namespace MlNetTriplet.Bench;

/// <summary>The bare loop's copy of the allocator tuning the package applies before training (its
/// <c>TuneNativeAllocator</c> option): without it libtorch's activation buffers are mmapped and unmapped every step
/// (FACTS.md), and the comparison would measure glibc rather than the ML.NET integration.</summary>
internal static partial class GlibcAllocator
{
    private const int MallocTrimThreshold = -1, MallocMmapThreshold = -3;

    /// <summary>Returns false when there is no glibc to tune (not Linux, or musl).</summary>
    public static bool Tune()
    {
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            return mallopt(MallocMmapThreshold, 32 << 20) == 1 & mallopt(MallocTrimThreshold, int.MaxValue) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);
}
