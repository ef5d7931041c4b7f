namespace MlNetTriplet.Images;

/// <summary>How many threads decode photos, by situation.</summary>
internal static class ImageWorkers
{
    /// <summary>While libtorch trains on every core: a quarter of the cores, at least one. Decoding and resizing a
    /// 500x375 JPEG took 5-9 ms on one core of a shared 2-core machine (110-200 photos/s at load average 12-14,
    /// bench/results/image-preprocessing.md), a small fraction of a pretrained CNN's forward and backward pass per
    /// photo on the same cores, so one thread keeps a 2- to 7-core machine's network fed; more would only take cores
    /// from libtorch's own threads.</summary>
    public static int DuringTraining => Math.Max(1, Environment.ProcessorCount / 4);

    /// <summary>When nothing else runs (the check for unreadable files before training, a transformer's batch
    /// between two forward passes): every core.</summary>
    public static int Alone => Environment.ProcessorCount;

}
