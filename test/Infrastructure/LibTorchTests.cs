using System.Runtime.InteropServices;
using MlNetTriplet.Native;
using MlNetTriplet.Tests.Classification;
using MlNetTriplet.Tests.Embeddings;
using MlNetTriplet.Tests.Persistence;
using TorchSharp;

namespace MlNetTriplet.Tests.Infrastructure;

/// <summary>How the package loads libtorch: the real cause and its fix when it cannot, and a quiet process when it
/// can. (ConsumerAppTests covers an application outside the repository.)</summary>
[TestClass]
public sealed class LibTorchTests
{
    [TestMethod]
    public void Load_FoldersWithoutLibTorch_NamesTheBackendPackageToAdd()
    {
        string empty = TestData.TempDirectory();
        try
        {
            string? message = LibTorch.Load([empty]);
            Assert.IsNotNull(message);
            StringAssert.Contains(message, "libtorch, TorchSharp's native backend, is missing");
            StringAssert.Contains(message, empty);
            StringAssert.Contains(message, "<PackageReference Include=\"TorchSharp-cpu\" Version=\"0.107.0\" />");
            StringAssert.Contains(message, "<PackageReference Include=\"libtorch-cpu-linux-x64\" Version=\"2.10.0\" />");
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [TestMethod]
    public void Load_LibTorchWithoutTorchSharpsBridge_NamesTheMissingFileAndPlatform()
    {
        string folder = TestData.TempDirectory();
        try
        {
            File.WriteAllBytes(Path.Combine(folder, OperatingSystem.IsWindows() ? "torch.dll" : OperatingSystem.IsMacOS() ? "libtorch.dylib" : "libtorch.so"), []);
            string? message = LibTorch.Load([folder]);
            Assert.IsNotNull(message);
            StringAssert.Contains(message, "LibTorchSharp");
            StringAssert.Contains(message, RuntimeInformation.RuntimeIdentifier);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>libtorch asks whether NNPACK is available for single small images, and logs two "Could not
    /// initialize NNPACK" lines per prediction on CPUs without AVX2; the package switches NNPACK off.</summary>
    [TestMethod]
    public unsafe void EnsureLoaded_SwitchesNnpackOff()
    {
        LibTorch.EnsureLoaded();
        nint torch = NativeLibrary.Load("torch", typeof(torch).Assembly, null);
        nint globalContext = NativeLibrary.GetExport(torch, "_ZN2at13globalContextEv");
        nint userEnabled = NativeLibrary.GetExport(torch, "_ZNK2at7Context17userEnabledNNPACKEv");
        nint context = ((delegate* unmanaged<nint>)globalContext)();
        Assert.AreEqual(0, ((delegate* unmanaged<nint, byte>)userEnabled)(context), "NNPACK is still enabled");
    }

    [TestMethod]
    public void SingleRowPredictions_InAFreshProcess_PrintNoNnpackLine()
    {
        string folder = TestData.TempDirectory();
        try
        {
            var printed = new List<string>();
            foreach (var (model, column) in new[] { (TrainedCnn.Model, "Score"), (TrainedEmbedding.Model, "Embedding") })
            {
                string zip = Path.Combine(folder, $"{column}.zip");
                TrainedCnn.Context.Model.Save(model, TrainedCnn.Train.Schema, zip);
                printed.Add(ModelProbeProcess.PredictFashionTestOneByOne(zip, 60, column, folder));
            }
            var noise = printed.SelectMany(p => p.Split('\n')).Where(line => line.Contains("NNPACK")).ToList();
            Assert.IsEmpty(noise, string.Join('\n', noise));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
