namespace MlNetTriplet.Tests;

/// <summary>Assertions on failures whose exception type is not the point (ML.NET may wrap what the package throws).</summary>
internal static class Expect
{
    /// <summary>Runs <paramref name="action"/> and returns what it threw; fails the test when it throws nothing.</summary>
    public static Exception AnyException(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            return e;
        }
        Assert.Fail("expected an exception");
        return null!;
    }
}
