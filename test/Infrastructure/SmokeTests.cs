using static TorchSharp.torch;

namespace MlNetTriplet.Tests.Infrastructure;

[TestClass]
public sealed class NativeLoadingTests
{
    [TestMethod]
    public void LibTorch_LoadsAndComputes()
    {
        using var a = ones(2, 3);
        Assert.AreEqual(6f, a.sum().item<float>());
    }
}
