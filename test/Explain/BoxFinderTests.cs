using MlNetTriplet.Explain;

namespace MlNetTriplet.Tests.Explain;

[TestClass]
public sealed class BoxFinderTests
{
    [TestMethod]
    public void Find_KeepsTheLargestRegionAboveTheThreshold()
    {
        // 6 x 8 map: a 2 x 2 peak (value 1) top-left, a larger 3 x 4 plateau (0.5) bottom-right, 0.1 noise.
        var map = Map(6, 8, (x, y) => x < 2 && y < 2 ? 1f : x >= 4 && y >= 3 ? 0.5f : 0.1f);
        var finder = new BoxFinder(6, 8);
        Assert.AreEqual(new ActivationBox(4, 3, 4, 3), finder.Find(map, 0.2f));
        Assert.AreEqual(new ActivationBox(0, 0, 2, 2), finder.Find(map, 0.6f), "the plateau falls below 60% of the peak");
        Assert.AreEqual(new ActivationBox(0, 0, 8, 6), finder.Find(map, 0.05f), "everything is one region");
    }

    [TestMethod]
    public void Find_JoinsDiagonalNeighbours_AndGivesAnEmptyBoxForAnEmptyMap()
    {
        var diagonal = Map(4, 4, (x, y) => x == y ? 1f : 0f);
        var finder = new BoxFinder(4, 4);
        Assert.AreEqual(new ActivationBox(0, 0, 4, 4), finder.Find(diagonal, 0.2f));
        var empty = finder.Find(new float[16], 0.2f);
        Assert.IsTrue(empty.IsEmpty);
        Assert.AreEqual(0, empty.IntersectionOverUnion(new ActivationBox(0, 0, 2, 2)));
    }

    [TestMethod]
    public void IntersectionOverUnion_OfOverlappingBoxes_IsSharedOverCoveredArea()
    {
        var a = new ActivationBox(0, 0, 4, 4);
        Assert.AreEqual(1.0, a.IntersectionOverUnion(a));
        Assert.AreEqual(4.0 / 28, a.IntersectionOverUnion(new ActivationBox(2, 2, 4, 4)), 1e-12);
        Assert.AreEqual(0, a.IntersectionOverUnion(new ActivationBox(4, 0, 2, 2)), "touching edges share no pixel");
        Assert.IsTrue(a.Contains(3, 3));
        Assert.IsFalse(a.Contains(4, 3));
    }

    private static float[] Map(int height, int width, Func<int, int, float> value) =>
        Enumerable.Range(0, height * width).Select(i => value(i % width, i / width)).ToArray();
}
