using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MlNetTriplet.Examples;

/// <summary>What the photo examples (TransferLearning, ImageSimilarity) share: the photo folder check, a context that
/// prints ML.NET's warnings, and the --mode values.</summary>
internal static class PhotoExamples
{
    /// <summary>The full path of <paramref name="folder"/>, or null after saying why it cannot be used (exit code 2):
    /// a --data-dir that does not exist, or default photos missing from this copy of the repository.</summary>
    public static string? ExistingFolder(string folder, bool given, string expected)
    {
        string root = Path.GetFullPath(folder);
        if (Directory.Exists(root))
            return root;
        Console.Error.WriteLine(given
            ? $"--data-dir {root} does not exist."
            : $"The default photos ({root}) are not here: pass --data-dir DIR, {expected}.");
        return null;
    }

    /// <summary>An <see cref="MLContext"/> seeded with <paramref name="seed"/> whose warnings and errors are printed.</summary>
    public static MLContext Context(int seed)
    {
        var ml = new MLContext(seed: seed);
        ml.Log += (_, e) =>
        {
            if (e.Kind is ChannelMessageKind.Warning or ChannelMessageKind.Error)
                Console.WriteLine($"[{e.Source}] {e.RawMessage}");
        };
        return ml;
    }

    /// <summary>The --mode value: frozen, finetune or finetune-last.</summary>
    /// <exception cref="ArgumentException">Another value.</exception>
    public static TransferMode ParseMode(string text) => text switch
    {
        "frozen" => TransferMode.FrozenBackbone,
        "finetune" => TransferMode.FineTuneAll,
        "finetune-last" => TransferMode.FineTuneLastBlocks,
        _ => throw new ArgumentException($"--mode takes frozen, finetune or finetune-last, not '{text}'."),
    };

    /// <summary>The mode as --mode spells it, with the block count of finetune-last.</summary>
    public static string ModeName(TransferMode mode, int blocks) => mode switch
    {
        TransferMode.FrozenBackbone => "frozen",
        TransferMode.FineTuneAll => "finetune",
        _ => $"finetune-last ({blocks} block{(blocks == 1 ? "" : "s")})",
    };
}
