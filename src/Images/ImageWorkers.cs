namespace MlNetTriplet.Images;

/// <summary>How many threads decode photos, by situation.</summary>
internal static class ImageWorkers
{
    /// <summary>While libtorch trains on every core: a quarter of the cores, at least one. Decoding and resizing a
    /// 500x375 JPEG takes ~5 ms on one core of this 2-core machine under load (~3 ms idle), a small fraction of a
    /// CNN's forward and backward pass per photo, so one thread keeps a 2- or 4-core machine's network fed; more
    /// would only take cores from libtorch's own threads.</summary>
    public static int DuringTraining => Math.Max(1, Environment.ProcessorCount / 4);

    /// <summary>When nothing else runs (the check for unreadable files before training, a transformer's batch
    /// between two forward passes): every core.</summary>
    public static int Alone => Environment.ProcessorCount;

    /// <summary>Batches prepared ahead of the training step: enough to absorb a slow photo, few enough to bound memory
    /// (each batch buffer is rows x C x H x W floats: 19 MB for 32 photos of 3x224x224).</summary>
    public const int ReadAhead = 2;
}
