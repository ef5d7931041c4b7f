namespace MlNetTriplet.Transforms;

/// <summary>What a batched transformer computes: rows of <see cref="InputWidth"/> floats to rows of
/// <see cref="OutputWidth"/> floats, a batch at a time. ML.NET may pull rows through several cursors at once, so
/// implementations are safe to call from any thread.</summary>
internal interface IBatchMapper
{
    int InputWidth { get; }
    int OutputWidth { get; }

    /// <summary>Maps <paramref name="rows"/> rows of <paramref name="input"/> (rows x InputWidth) to
    /// <paramref name="output"/> (rows x OutputWidth).</summary>
    void Run(float[] input, int rows, float[] output);
}
