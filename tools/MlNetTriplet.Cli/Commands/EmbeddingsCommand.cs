using System.CommandLine;
using MlNetTriplet.Cli.Embeddings;

namespace MlNetTriplet.Cli.Commands;

/// <summary>mlnettriplet embeddings: flags to <see cref="EmbeddingsScenario"/>.</summary>
internal static class EmbeddingsCommand
{
    public static Command Create(IReadOnlyList<string> args)
    {
        var dataset = new Option<string>("--dataset", "-d")
        {
            Description = "A folder of MNIST-format IDX files (train-images-idx3-ubyte[.gz] and the three others), or a folder with one sub-folder of images per class (or train/ and val/ folders of them).",
            Required = true,
        };
        var size = new Option<int>("--embedding-size")
        {
            Description = "Values per embedding. Default 64.", DefaultValueFactory = _ => 64,
            CustomParser = NumberFlags.WithDefault<int>("a whole number"),
        };
        var imageSize = new Option<int?>("--image-size")
        {
            Description = "Side images of a class folder are resized to (square). Default: the first image's size, at most 64.",
            CustomParser = NumberFlags.Optional<int>("a whole number of pixels"),
        };
        var common = new CommonOptions("embeddings", defaultTrainSeconds: 120);
        var command = new Command("embeddings",
            "Image embeddings trained with a triplet loss (semi-hard mining): retrieval metrics (P@1, MAP@R, k-NN accuracy) against raw pixels, and a UMAP map.")
        {
            dataset, size, imageSize,
        };
        common.AddTo(command);
        command.SetAction(parse => ToolCommands.Execute(parse, common, args, _ =>
        {
            int embeddingSize = parse.GetValue(size);
            if (embeddingSize < 2)
                throw new InputException($"--embedding-size must be at least 2 (got {embeddingSize}).");
            int? side = parse.GetValue(imageSize);
            if (side is < 8 or > 512)
                throw new InputException($"--image-size must be between 8 and 512 pixels (got {side}).");
            return new EmbeddingsScenario(parse.GetValue(dataset)!, embeddingSize, side);
        }));
        return command;
    }
}
