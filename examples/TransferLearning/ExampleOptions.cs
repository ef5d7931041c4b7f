using System.Globalization;
using MlNetTriplet;
using MlNetTriplet.Examples;

namespace TransferLearning;

/// <summary>The example's command line.</summary>
internal sealed record ExampleOptions
{
    /// <summary>The repository's Caltech 101 photos (six classes).</summary>
    public string DataDirectory { get; init; } = RepositoryData.Path("caltech101");
    public bool DataDirectoryGiven { get; init; }
    public TransferMode Mode { get; init; } = TransferMode.FrozenBackbone;
    public int Blocks { get; init; } = 1;
    public int? Epochs { get; init; }
    public int BatchSize { get; init; } = 32;
    public int Seed { get; init; }
    public string? WeightsFile { get; init; }
    public BackboneArchitecture Architecture { get; init; } = BackboneArchitecture.ResNet18;
    public bool SkipUnreadable { get; init; }
    public string OutputDirectory { get; init; } = "output";
    public bool Help { get; init; }

    /// <summary>A frozen backbone's head trains on cached features in a second an epoch; fine-tuning runs the whole
    /// network on every photo, every epoch.</summary>
    public int EffectiveEpochs => Epochs ?? (Mode == TransferMode.FrozenBackbone ? 25 : 10);

    public const string Usage = """
        Transfer learning on photos inside an ML.NET pipeline: an ImageNet-pretrained ResNet-18 (NuGet
        Microsoft.ML.DnnImageFeaturizer.ResNet18, no download) with a new head, trained frozen or fine-tuned on an
        image folder, evaluated with ML.NET's evaluator, saved and reloaded.

        usage: dotnet run --project examples/TransferLearning -c Release -- [options]

          --data-dir DIR        a folder holding train/ and val/ (or valid/, validation/, test/) folders, each with one
                                sub-folder of photos per class
                                default: the repository's data/caltech101 (six Caltech 101 classes, 120 + 60
                                photos); e.g. the PyTorch tutorial's hymenoptera_data (ants and bees) works too
          --mode MODE           frozen (default): the backbone's features are computed once, only the head trains
                                finetune: every layer trains, the backbone at a tenth of the head's learning rate
                                finetune-last: the last --blocks backbone blocks and the head train
          --blocks N            backbone blocks that train with finetune-last (default 1: layer4)
          --epochs N            training epochs (default 25 frozen, 10 fine-tuning)
          --batch-size N        photos per step (default 32)
          --seed N              seed of the MLContext and the trainer (default 0)
          --weights FILE        your own torchvision weights instead of the ImageNet ResNet-18: a state_dict saved
                                by PyTorch (.pt/.pth), safetensors (.safetensors) or TorchSharp (.dat)
          --architecture NAME   the network of --weights: resnet18, resnet34, resnet50, vgg16, mobilenet_v2
                                (default resnet18)
          --skip-unreadable     leave unreadable photo files out (reported) instead of stopping
          --out DIR             where to write model.zip, metrics.json and the PNGs (default ./output)
          --help                this text

        exit codes: 0 success, 1 bad arguments or a failed check, 2 data missing or unreadable
        """;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static ExampleOptions Parse(string[] args)
    {
        var o = new ExampleOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string Value() => CommandLine.Value(args, ref i);
            int Number(int minimum) => CommandLine.Int(arg, Value(), minimum);
            o = arg switch
            {
                "--data-dir" => o with { DataDirectory = Value(), DataDirectoryGiven = true },
                "--mode" => o with { Mode = PhotoExamples.ParseMode(Value()) },
                "--blocks" => o with { Blocks = Number(1) },
                "--epochs" => o with { Epochs = Number(1) },
                "--batch-size" => o with { BatchSize = Number(2) },
                "--seed" => o with { Seed = Number(0) },
                "--weights" => o with { WeightsFile = Value() },
                "--architecture" => o with { Architecture = ParseArchitecture(Value()) },
                "--skip-unreadable" => o with { SkipUnreadable = true },
                "--out" => o with { OutputDirectory = Value() },
                "--help" or "-h" => o with { Help = true },
                _ => throw new ArgumentException($"Unknown option '{arg}'."),
            };
        }
        return o;
    }

    private static BackboneArchitecture ParseArchitecture(string text) => text switch
    {
        "resnet18" => BackboneArchitecture.ResNet18,
        "resnet34" => BackboneArchitecture.ResNet34,
        "resnet50" => BackboneArchitecture.ResNet50,
        "vgg16" => BackboneArchitecture.Vgg16,
        "mobilenet_v2" => BackboneArchitecture.MobileNetV2,
        _ => throw new ArgumentException($"--architecture takes resnet18, resnet34, resnet50, vgg16 or mobilenet_v2, not '{text}'."),
    };

    public string ModeName => PhotoExamples.ModeName(Mode, Blocks);
}
