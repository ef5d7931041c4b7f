using System.CommandLine;
using System.CommandLine.Help;
using System.Reflection;
using MlNetTriplet.Cli.Running;

namespace MlNetTriplet.Cli.Commands;

/// <summary>The verbs, and what every run shares: flags checked first, one line and exit code 2 for wrong input, a
/// stack trace only with --verbose.</summary>
internal static class ToolCommands
{
    public static int Run(string[] args)
    {
        // A plain command rather than RootCommand, whose name would be the assembly's (MlNetTriplet.Cli) in the help.
        var root = new Command("mlnettriplet",
            "Turns a dataset into a trained model (model.zip), its metrics (metrics.json), a self-contained HTML report and " +
            "a console project that uses the model (Consumption/). Runs offline: deep networks on TorchSharp inside ML.NET pipelines.")
        {
            new HelpOption(), new VersionOption(),
        };
        root.Subcommands.Add(ClassificationCommand.Create(args));
        root.Subcommands.Add(ImageClassificationCommand.Create(args));
        root.Subcommands.Add(EmbeddingsCommand.Create(args));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            string command = string.Join(' ', parse.CommandResult.Command.Parents.OfType<Command>().Select(c => c.Name)
                .Reverse().Append(parse.CommandResult.Command.Name));
            Console.Error.WriteLine($"error: {OneLine(parse.Errors[0].Message)} Run '{command} --help' for the flags.");
            return ExitCodes.BadInput;
        }
        // The tool handles Ctrl+C itself (keeps the best model so far) and reports failures as one line.
        return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
    }

    /// <summary>Runs a scenario made from the parsed flags: settings checked, then the run with Ctrl+C handling; any
    /// failure becomes one line on standard error and an exit code.</summary>
    public static int Execute(ParseResult parse, CommonOptions common, IReadOnlyList<string> args,
        Func<CommonSettings, IScenario> scenario)
    {
        bool verbose = common.IsVerbose(parse);
        var console = RunConsole.Create(verbose);
        try
        {
            var settings = common.Read(parse, args);
            var chosen = scenario(settings);
            using var stop = new StopSignal(console);
            var run = new RunContext(settings, console, stop);
            run.Output.CheckWritable();
            chosen.Run(run);
            return ExitCodes.Success;
        }
        catch (Exception e)
        {
            var cause = Unwrap(e);
            int code = cause is StoppedException ? ExitCodes.Interrupted : IsInputError(cause) ? ExitCodes.BadInput : ExitCodes.Failed;
            string prefix = code == ExitCodes.Failed ? "error: training failed: " : code == ExitCodes.Interrupted ? "" : "error: ";
            console.Error(prefix + OneLine(cause.Message)
                + (verbose || code != ExitCodes.Failed ? "" : " (run again with --verbose for the details)"));
            if (verbose)
                console.Error(e.ToString());
            return code;
        }
    }

    /// <summary>The exception that says what went wrong, not the layers around it: reflection and aggregation, and the
    /// wrappers a background producer adds ("Event we were waiting on was subject to an exception") around the cause,
    /// such as a photo that cannot be read. The first input error in the chain wins; else the innermost exception of
    /// the reflection and aggregation layers.</summary>
    private static Exception Unwrap(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (IsInputError(inner))
                return inner;
        while (e is TargetInvocationException or AggregateException && e.InnerException is not null)
            e = e.InnerException;
        return e;
    }

    private static bool IsInputError(Exception e) => e is InputException or FileNotFoundException or DirectoryNotFoundException
        or InvalidDataException or ArgumentException or UnauthorizedAccessException;

    private static string OneLine(string message) =>
        string.Join(' ', message.Split((char[])['\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim())
            .Where(s => s.Length > 0));
}

/// <summary>One scenario of the tool, made from its flags (checked when made).</summary>
internal interface IScenario
{
    /// <summary>Loads, trains, evaluates and writes the outputs.</summary>
    void Run(RunContext run);
}
