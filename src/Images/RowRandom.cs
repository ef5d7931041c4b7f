namespace MlNetTriplet.Images;

/// <summary>A small random stream (SplitMix64) keyed by (seed, epoch, row): a row's draws are the same whichever
/// thread prepares it and whenever, so augmented batches repeat exactly with any number of workers.</summary>
internal struct RowRandom(long seed, int epoch, long row)
{
    private ulong _state = Mix(Mix(Mix((ulong)seed) ^ (uint)epoch) ^ (ulong)row);

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1), 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform in [0, <paramref name="count"/>) by Lemire's multiply-shift (bias under count / 2^32).</summary>
    public int NextInt(int count) => (int)(((NextUInt64() >> 32) * (ulong)count) >> 32);

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
