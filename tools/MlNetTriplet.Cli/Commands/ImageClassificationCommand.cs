using System.CommandLine;
using MlNetTriplet.Cli.Images;

namespace MlNetTriplet.Cli.Commands;

/// <summary>mlnettriplet image-classification: flags to <see cref="ImageClassificationScenario"/>.</summary>
internal static class ImageClassificationCommand
{
    public static Command Create(IReadOnlyList<string> args)
    {
        var dataset = new Option<string>("--dataset", "-d")
        {
            Description = "A folder with one sub-folder of photos per class, or with train/ and val/ (or test/) folders of them.", Required = true,
        };
        var mode = new Option<string>("--mode")
        {
            Description = "frozen: train a new head on the ImageNet ResNet-18's features (fast); fine-tune: also train its last block, with augmentation. Default frozen.",
            DefaultValueFactory = _ => "frozen",
        };
        mode.AcceptOnlyFromAmong("frozen", "fine-tune");
        var common = new CommonOptions("image-classification", defaultTrainSeconds: 120);
        var command = new Command("image-classification",
            "Image classification of a folder of photos by transfer learning from an ImageNet ResNet-18 (offline: the weights come with the tool).")
        {
            dataset, mode,
        };
        common.AddTo(command);
        command.SetAction(parse => ToolCommands.Execute(parse, common, args, _ => new ImageClassificationScenario(
            parse.GetValue(dataset)!, parse.GetValue(mode) == "fine-tune" ? TransferMode.FineTuneLastBlocks : TransferMode.FrozenBackbone)));
        return command;
    }
}
