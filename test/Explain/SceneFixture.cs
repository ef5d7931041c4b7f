using System.Text.Json;
using Microsoft.ML;
using MlNetTriplet.Backbones;
using MlNetTriplet.Networks;
using MlNetTriplet.Persistence;
using static TorchSharp.torch;

namespace MlNetTriplet.Tests.Explain;

/// <summary>The committed PyTorch reference (test/Explain/Fixtures/cam-reference, written by
/// <c>dotnet run --project bench/ClassActivationMaps -c Release -- crosscheck --fixture test/Explain/Fixtures/cam-reference</c>):
/// the scene CNN this package trained (bench/results/cam-localisation.md), a few scenes, and the maps
/// bench/cam_reference.py computed for them with PyTorch 1.13.</summary>
/// <remarks>Why committed files and not PyTorch in CI: the maps must come from PyTorch, and CI's fresh Debian 12
/// would need <c>apt-get install python3-torch</c>, whose dependency closure is about 330 MB to download and 1.3 GB
/// installed (libtorch1.13, LLVM 15, OpenBLAS, oneDNN, NumPy, SymPy...; summed from apt-cache's Size and
/// Installed-Size fields on Debian 12, 2026-12) for one test, minutes of CI time; a few hundred kilobytes of reference
/// maps give the same check in a second. bench/ClassActivationMaps regenerates them from PyTorch, never from this
/// package's own maps.</remarks>
internal sealed class SceneFixture
{
    private static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Explain", "Fixtures", "cam-reference");
    private static readonly Lazy<SceneFixture> Shared = new(() => new SceneFixture());

    private SceneFixture()
    {
        using var spec = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "spec.json")));
        var root = spec.RootElement;
        var architecture = root.GetProperty("architecture").Deserialize<CnnArchitecture>(ModelFormat.Json)!;
        Cases = root.GetProperty("cases").EnumerateArray().Select(c => new Case(c.GetProperty("name").GetString()!,
            Enum.Parse<CamMethod>(c.GetProperty("method").GetString()!), c.GetProperty("layer").GetString()!,
            c.GetProperty("target").GetString()!)).ToArray();
        var labels = CamTestModels.Labels(ClutterScenes.Classes);
        var network = new CnnModule(architecture, ClutterScenes.Shape, labels.Count);
        var weights = WeightFiles.Read(Path.Combine(Directory, "network.pt"));
        using (no_grad())
            foreach (var (name, tensor) in network.state_dict())
                tensor.copy_(weights[name]);
        Classifier = new CnnClassifierTransformer(
            new CnnClassifierTransformer.Description("Features", ClutterScenes.Shape, architecture, labels.Count, 64, "cpu", null),
            labels, network);
        var images = WeightFiles.Read(Path.Combine(Directory, "input.pt"))["images"];
        Images = Enumerable.Range(0, (int)images.shape[0]).Select(i => images[i].flatten().data<float>().ToArray()).ToArray();
        Reference = WeightFiles.Read(Path.Combine(Directory, "reference.pt"));
    }

    public static SceneFixture Value => Shared.Value;

    /// <summary>The trained scene CNN.</summary>
    public CnnClassifierTransformer Classifier { get; }

    /// <summary>The scenes the reference maps were computed on (3 x 48 x 48 each).</summary>
    public float[][] Images { get; }

    public Case[] Cases { get; }

    /// <summary>"case" → N x H x W maps, "case.classes" → N explained classes.</summary>
    public Dictionary<string, Tensor> Reference { get; }

    public IDataView Data(MLContext ml) => ClutterScenes.ToDataView(ml,
        Images.Select(pixels => new ClutterScenes.Scene(pixels, "", 0, 0, 0, 0)));

    /// <summary>One reference computation: method, block and target as bench/cam_reference.py ran them.</summary>
    public sealed record Case(string Name, CamMethod Method, string Layer, string Target)
    {
        public ClassActivationMapOptions Options => new()
        {
            Method = Method, LayerName = Layer,
            Target = Target == "PredictedVersusRunnerUp" ? CamTarget.PredictedVersusRunnerUp : CamTarget.PredictedClass,
        };
    }
}
