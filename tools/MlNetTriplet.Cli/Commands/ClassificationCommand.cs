using System.CommandLine;
using MlNetTriplet.Cli.Tabular;

namespace MlNetTriplet.Cli.Commands;

/// <summary>mlnettriplet classification: flags to <see cref="ClassificationScenario"/>.</summary>
internal static class ClassificationCommand
{
    public static Command Create(IReadOnlyList<string> args)
    {
        var dataset = new Option<string>("--dataset", "-d") { Description = "The CSV or TSV file; its first line names the columns.", Required = true };
        var label = new Option<string>("--label-col") { Description = "The column to predict: two values make a binary classifier, more a multiclass one.", Required = true };
        var separator = new Option<string?>("--sep") { Description = "The column separator (a character, or tab). Default: detected from the header (',', ';', tab or '|')." };
        var ignore = new Option<string?>("--ignore-cols") { Description = "Columns to leave out, comma-separated (ID-like, empty and constant columns are left out anyway)." };
        var common = new CommonOptions("classification", defaultTrainSeconds: 60);
        var command = new Command("classification",
            "Tabular classification of a CSV or TSV file: column types inferred, ML.NET preprocessing, the MlNetTriplet network against ML.NET LightGBM.")
        {
            dataset, label, separator, ignore,
        };
        common.AddTo(command);
        command.SetAction(parse => ToolCommands.Execute(parse, common, args, _ => new ClassificationScenario(new ClassificationSettings(
            parse.GetValue(dataset)!, parse.GetValue(label)!, parse.GetValue(separator),
            (parse.GetValue(ignore) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))));
        return command;
    }
}
