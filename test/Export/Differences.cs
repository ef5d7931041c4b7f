namespace MlNetTriplet.Tests.Export;

/// <summary>How far ONNX Runtime's values are from ours: the largest absolute difference, printed with what it
/// compares so a run's log holds the measured figures.</summary>
internal static class Differences
{
    public static double AssertWithin(float[] expected, float[] actual, double tolerance, string what)
    {
        Assert.HasCount(expected.Length, actual, $"{what}: value count");
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.IsTrue(float.IsFinite(actual[i]), $"{what}: value {i} is {actual[i]}");
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        }
        Console.WriteLine($"max |ONNX Runtime - Transform| {what}: {max:E2} over {expected.Length} values");
        Assert.IsLessThanOrEqualTo(tolerance, max, $"{what}: max absolute difference {max:E3} above {tolerance:E1}");
        return max;
    }
}
