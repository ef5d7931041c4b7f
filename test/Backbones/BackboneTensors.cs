using static TorchSharp.torch;

namespace MlNetTriplet.Tests.Backbones;

/// <summary>Tensor comparisons for the backbone tests.</summary>
internal static class BackboneTensors
{
    /// <summary>Same shape and bit-for-bit the same values.</summary>
    public static bool Same(Tensor a, Tensor b)
    {
        using var equal = a.eq(b);
        using var all = equal.all();
        return a.shape.SequenceEqual(b.shape) && all.item<bool>();
    }

    public static double MaxDifference(Tensor a, Tensor b)
    {
        using var difference = (a - b).abs_();
        using var max = difference.max();
        return max.item<float>();
    }
}
