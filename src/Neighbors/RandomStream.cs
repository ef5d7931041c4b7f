namespace MlNetTriplet.Neighbors;

/// <summary>A small counter-based random stream (SplitMix64). Every consumer derives its own stream from a hash of
/// (seed, purpose, indices) instead of sharing one generator, so what a thread draws never depends on what another
/// thread drew before it: the root of the thread-count independence of the whole fit.</summary>
internal struct RandomStream
{
    private ulong _state;

    public RandomStream(ulong state) => _state = state;

    public static RandomStream For(int seed, ulong purpose, long a = 0, long b = 0) => new(Hash(seed, purpose, a, b));

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static ulong Hash(int seed, ulong purpose, long a, long b)
    {
        ulong h = Mix((ulong)(uint)seed + 0x9E3779B97F4A7C15UL);
        h = Mix(h ^ purpose);
        h = Mix(h ^ (ulong)a);
        return Mix(h ^ (ulong)b ^ 0x632BE59BD9B4E019UL);
    }

    public ulong NextULong() => Mix(_state += 0x9E3779B97F4A7C15UL);

    /// <summary>Uniform in [0, n).</summary>
    public int NextInt(int n) => (int)(((NextULong() >> 32) * (ulong)n) >> 32);

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal (Box-Muller).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble(), u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}

/// <summary>Purposes of <see cref="RandomStream"/>s, so that no two consumers share a stream.</summary>
internal static class StreamPurpose
{
    public const ulong Tree = 1, Fill = 2, Candidates = 3, Init = 4, Layout = 5, Transform = 6, Lanczos = 7, Query = 8,
        Schedule = 9, Components = 10;
}
