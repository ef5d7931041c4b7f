
namespace MlNetTriplet.Tests.Projection;

[TestClass]
public sealed class ProjectionQualityTests
{
    /// <summary>300 test rows and a fixed linear projection to 2-D; the expected values are scikit-learn 1.2.1's
    /// trustworthiness and KNeighborsClassifier(10) on the same arrays.</summary>
    private static (float[] High, float[] Low, int[] Labels) Fixture()
    {
        var (x, y) = ProjectionData.TestRows(300);
        var low = new float[300 * 2];
        for (int i = 0; i < 300; i++)
            for (int c = 0; c < 2; c++)
            {
                double s = 0;
                for (int d = 0; d < ProjectionData.Dims; d++) s += x[i * ProjectionData.Dims + d] * Math.Sin(0.37 * d + 1.3 * c);
                low[i * 2 + c] = (float)s;
            }
        return (x, low, y);
    }

    [TestMethod]
    public void Trustworthiness_MatchesScikitLearn()
    {
        var (x, low, _) = Fixture();
        Assert.AreEqual(0.5687725631768953, ProjectionQuality.Trustworthiness(x, low, 300, ProjectionData.Dims, 2, 15), 1e-4);
        Assert.AreEqual(0.558095890410959, ProjectionQuality.Trustworthiness(x, low, 300, ProjectionData.Dims, 2, 5), 1e-4);
        // The identity embedding is perfectly trustworthy.
        Assert.AreEqual(1.0, ProjectionQuality.Trustworthiness(x, x, 300, ProjectionData.Dims, ProjectionData.Dims, 15), 1e-12);
    }

    [TestMethod]
    public void KnnAccuracy_SplitMatchesScikitLearn_LeaveOneOutOnSeparableData()
    {
        var (_, low, y) = Fixture();
        Assert.AreEqual(0.16, ProjectionQuality.KnnAccuracy(low, y, 300, 2, 10, trainRows: 200), 1e-9);

        var blobs = ProjectionData.TwoBlobs(50, 2, 4);
        int[] labels = [.. Enumerable.Repeat(0, 50), .. Enumerable.Repeat(1, 50)];
        Assert.AreEqual(1.0, ProjectionQuality.KnnAccuracy(blobs, labels, 100, 2, 10));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ProjectionQuality.KnnAccuracy(blobs, labels, 100, 2, 100));
    }
}
