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
        var network = new Option<string>("--network")
        {
            Description = "resnet18: the ImageNet ResNet-18 (frozen) with an embedding head trained on its features, for photos; the default for a folder of images by class " +
                "(with --holdout-classes: its last block fine-tuned, embedding with its own pooled features, which keep what tells unseen classes apart). " +
                "cnn: a small CNN trained from scratch on the pixels, for small images such as digits or Fashion-MNIST; the only choice for IDX files, and for a class folder of such images (with --image-size).",
        };
        network.AcceptOnlyFromAmong("resnet18", "cnn");
        var holdOut = new Option<int?>("--holdout-classes")
        {
            Description = "Leave the last N classes (in sorted order) out of training and measure retrieval among their test images, classes the network never saw; " +
                "they are also the gallery the saved model searches. Photos then train for classes unseen (the photo recipe: the ResNet-18's last block fine-tuned). " +
                "At least 2, leaving at least 2 to train on. Default: train on every class, measure on the test images.",
            CustomParser = NumberFlags.Optional<int>("a whole number of classes"),
        };
        var size = new Option<int?>("--embedding-size")
        {
            Description = $"Values per embedding (the trained head's output). Default {EmbeddingsScenario.DefaultEmbeddingSize}. " +
                "Photos with --holdout-classes embed with the fine-tuned ResNet-18's pooled features beside its untrained ones (1,024 values) instead, and take no --embedding-size.",
            CustomParser = NumberFlags.Optional<int>("a whole number"),
        };
        var imageSize = new Option<int?>("--image-size")
        {
            Description = "With --network cnn: side images of a class folder are resized to (square). Default: the first image's size, at most 64.",
            CustomParser = NumberFlags.Optional<int>("a whole number of pixels"),
        };
        var common = new CommonOptions("embeddings", defaultTrainSeconds: 120);
        var command = new Command("embeddings",
            "Image embeddings trained with a triplet loss: photos through the ImageNet ResNet-18 and an embedding head (semi-hard mining; with --holdout-classes, the photo recipe: " +
            "the last block fine-tuned with batch-hard triplets, embedding with its pooled features), IDX files through a small CNN (semi-hard mining). " +
            "Retrieval metrics (P@1, MAP@R, k-NN accuracy) against the ResNet-18's own features or raw pixels, a UMAP map, and a model that finds an image's nearest gallery images.")
        {
            dataset, network, holdOut, size, imageSize,
        };
        common.AddTo(command);
        command.SetAction(parse => ToolCommands.Execute(parse, common, args, _ =>
        {
            int? embeddingSize = parse.GetValue(size);
            if (embeddingSize < 2)
                throw new InputException($"--embedding-size must be at least 2 (got {embeddingSize}).");
            int? side = parse.GetValue(imageSize);
            if (side is < 8 or > 512)
                throw new InputException($"--image-size must be between 8 and 512 pixels (got {side}).");
            int? heldOut = parse.GetValue(holdOut);
            if (heldOut is < 2)
                throw new InputException($"--holdout-classes must be at least 2 (got {heldOut}): retrieval among held-out classes needs two of them.");
            EmbeddingNetwork? chosen = parse.GetValue(network) switch
            {
                "resnet18" => EmbeddingNetwork.ResNet18,
                "cnn" => EmbeddingNetwork.Cnn,
                _ => null,
            };
            return new EmbeddingsScenario(parse.GetValue(dataset)!, embeddingSize, side, chosen, heldOut);
        }));
        return command;
    }
}
