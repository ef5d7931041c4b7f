using System.Runtime.InteropServices;

namespace MlNetTriplet.Training;

/// <summary>glibc's malloc maps buffers above its mmap threshold (128 KiB to 32 MiB, adaptive) with mmap and
/// returns them to the kernel on free, so libtorch's activation buffers cost millions of page faults per epoch.
/// Raising the thresholds makes them reused: measured 2.5x faster CNN training here (FACTS.md).</summary>
internal static partial class NativeAllocator
{
    private const int MallocTrimThreshold = -1, MallocMmapThreshold = -3;

    /// <summary>Batches at least this large (photos: 32 x 3 x 224 x 224 floats is 19 MB) are trained with a low
    /// fixed mmap threshold and glibc's usual trim threshold instead: their activations are hundreds of buffers of
    /// several MB whose sizes vary between steps, and kept in the heap they fragment it. Measured on ResNet-18,
    /// batch 32: a 32 MB threshold peaked at 2.2-2.7 GB and crept; a 4 MB threshold with the heap never trimmed still
    /// crept about 30 MB a step (816 MB to 1,325 MB over 32 steps); 4 MB with a 128 KB trim threshold stays between
    /// 0.87 and 1.03 GB over the same 32 steps. 16 MB behaves like 32 MB. Re-measured with channels-last
    /// convolutions, one fine-tuning epoch over 1,000 generated photos: 4 MB peaked at 1,703 MB (epoch 84 s), 8 MB at
    /// 1,774 MB (83 s), 16 MB at 2,063 MB with RSS still rising mid-epoch (75 s).</summary>
    private const long LargeBatchBytes = 4 << 20;

    /// <summary>Sets the thresholds for training on batches of <paramref name="batchBytes"/> input bytes. Called by
    /// every training run (process-wide; the latest run's batches decide).</summary>
    public static void Tune(long batchBytes)
    {
        if (batchBytes >= LargeBatchBytes)
            Set(mmapThreshold: 4 << 20, trimThreshold: 128 << 10);
        else
            KeepBuffersInHeap();
    }

    /// <summary>Keeps buffers up to 32 MB in the heap, never trimmed: the setting for small training batches, and for
    /// passes without gradients even on photos (a frozen backbone's feature pass), which hold about two blocks'
    /// activations at a time and free them in the same order every batch, so the heap reuses them without
    /// fragmenting. Measured on ResNet-18 forward passes at batch 32, 2 cores: 10-30% faster than glibc's adaptive
    /// thresholds and 20-40% faster than the photo training setting, for about 50-100 MB more peak memory.</summary>
    public static void KeepBuffersInHeap() => Set(mmapThreshold: 32 << 20, trimThreshold: int.MaxValue);

    private static void Set(int mmapThreshold, int trimThreshold)
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            mallopt(MallocMmapThreshold, mmapThreshold);
            mallopt(MallocTrimThreshold, trimThreshold);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl, for one): nothing to tune.
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);
}
