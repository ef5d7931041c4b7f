using MlNetTriplet.Backbones;

namespace MlNetTriplet.Bench;

/// <summary>The package's ImageNet ResNet-18 as the PyTorch peers load it (transfer_peer.py, similarity_peer.py):
/// torchvision names plus the ".preprocessing.pt" beside it. Also the <c>export-resnet18 PATH</c> command, so a peer
/// can be run on its own.</summary>
internal static class BackboneExport
{
    /// <summary>Writes the weights to <paramref name="path"/> (a ".pt" file) and the preprocessing beside it; returns
    /// the full path.</summary>
    public static string ResNet18ImageNet(string path)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        using var backbone = BackboneModule.Load(PretrainedBackbone.ResNet18ImageNet());
        backbone.ExportTorchVisionStateDict(full);
        return full;
    }

    /// <summary>The <c>export-resnet18</c> command: one argument, the ".pt" path to write.</summary>
    public static int Run(string[] args)
    {
        if (args.Length != 1 || !args[0].EndsWith(".pt", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("usage: MlNetTriplet.Bench export-resnet18 PATH.pt   (writes PATH.pt and PATH.preprocessing.pt)");
            return 2;
        }
        string written = ResNet18ImageNet(args[0]);
        Console.WriteLine($"wrote {written} and {BackboneModule.PreprocessingPath(written)}");
        return 0;
    }
}
