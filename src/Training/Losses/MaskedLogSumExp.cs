using static TorchSharp.torch;

namespace MlNetTriplet.Training.Losses;

/// <summary>The soft maximum the multi-similarity and Proxy Anchor losses are built on, over a subset of entries.</summary>
internal static class MaskedLogSumExp
{
    /// <summary><c>log(1 + Σ exp(x))</c> over the entries of <paramref name="x"/> where <paramref name="mask"/> is true,
    /// along <paramref name="dim"/> (0 where no entry is kept), computed as a log-sum-exp with a zero term, so that
    /// exponents of 30 and more (Proxy Anchor's α = 32) neither overflow nor lose the small terms; left-out entries get
    /// no gradient.</summary>
    public static Tensor LogOnePlus(Tensor x, Tensor mask, long dim)
    {
        var kept = where(mask, x, full_like(x, double.NegativeInfinity));
        var shape = kept.shape.ToArray();
        shape[dim] = 1;
        return cat([kept, zeros(shape, dtype: x.dtype, device: x.device)], dim).logsumexp(dim);
    }
}
