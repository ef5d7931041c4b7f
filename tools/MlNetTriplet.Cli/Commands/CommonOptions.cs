using System.CommandLine;
using System.Globalization;

namespace MlNetTriplet.Cli.Commands;

/// <summary>What every scenario takes from the common flags.</summary>
/// <param name="Scenario">The verb, e.g. "classification".</param>
/// <param name="OutputDirectory">Where the outputs go, full path.</param>
/// <param name="TrainSeconds">The training budget; its clock starts with the first training step.</param>
/// <param name="Epochs">A fixed number of epochs instead of the budget's choice, or null.</param>
/// <param name="Seed">Seed of the split, the weights and the shuffles.</param>
/// <param name="ValidationFraction">Share of the data held out to measure the model (when the dataset has no split).</param>
/// <param name="MaxRows">Read at most this many rows (images) of each file or split, or null for all.</param>
/// <param name="Verbose">Show stack traces and the trainers' log.</param>
/// <param name="CommandLine">The command line as typed, for the report.</param>
/// <param name="TritonDirectory">Where to write a Triton model repository of model.onnx (full path), or null.</param>
internal sealed record CommonSettings(string Scenario, string OutputDirectory, double TrainSeconds, int? Epochs, int Seed,
    double ValidationFraction, int? MaxRows, bool Verbose, string CommandLine, string? TritonDirectory = null);

/// <summary>The flags every scenario shares, with the mlnet CLI's names where it has them.</summary>
internal sealed class CommonOptions
{
    private readonly string _scenario;
    private readonly int _defaultTrainSeconds;

    private readonly Option<string> _output = new("--output", "-o")
    {
        Description = "Folder for model.zip, metrics.json, report.html and Consumption/ (created; files there are replaced). Default ./mlnettriplet-<scenario>.",
    };
    private readonly Option<double?> _trainTime = new("--train-time")
    {
        Description = "Training budget in seconds. The clock starts with the first training step; the first epoch's length decides how many epochs (and which learning-rate schedule) fit.",
        CustomParser = NumberFlags.Optional<double>("a number of seconds"),
    };
    private readonly Option<int?> _epochs = new("--epochs")
    {
        Description = "Train exactly this many epochs (early stopping may end sooner) instead of letting the budget choose.",
        CustomParser = NumberFlags.Optional<int>("a whole number of epochs"),
    };
    private readonly Option<int> _seed = new("--seed")
    {
        Description = "Seed of the split, the initial weights and the shuffles. Default 0.", DefaultValueFactory = _ => 0,
        CustomParser = NumberFlags.WithDefault<int>("a whole number"),
    };
    private readonly Option<double> _validationFraction = new("--validation-fraction")
    {
        Description = "Share of the rows held out (stratified by class) to measure the model, when the dataset has no validation split of its own. Default 0.2.",
        DefaultValueFactory = _ => 0.2,
        CustomParser = NumberFlags.WithDefault<double>("a number between 0 and 1"),
    };
    private readonly Option<int?> _maxRows = new("--max-rows")
    {
        Description = "Read at most this many rows or images (of each file or split): a quick first look at a large dataset.",
        CustomParser = NumberFlags.Optional<int>("a whole number of rows"),
    };
    private readonly Option<bool> _verbose = new("--verbose", "-v") { Description = "Show the trainers' log, and a stack trace when something fails." };
    private readonly Option<string> _triton = new("--triton")
    {
        Description = "Also write a Triton Inference Server model repository of model.onnx to this folder: <folder>/<scenario>/config.pbtxt (ONNX Runtime backend, dynamic batching) and <folder>/<scenario>/1/model.onnx.",
    };

    public CommonOptions(string scenario, int defaultTrainSeconds)
    {
        _scenario = scenario;
        _defaultTrainSeconds = defaultTrainSeconds;
        _trainTime.Description += $" Default {defaultTrainSeconds}.";
    }

    /// <summary>Adds the common flags to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _output, _trainTime, _epochs, _seed, _validationFraction, _maxRows, _triton, _verbose })
            command.Options.Add(option);
    }

    /// <summary>True when --verbose was given (read before the other flags are checked, so their errors can show a trace).</summary>
    public bool IsVerbose(ParseResult parse) => parse.GetValue(_verbose);

    /// <summary>The settings, checked.</summary>
    /// <exception cref="InputException">A value is out of range.</exception>
    public CommonSettings Read(ParseResult parse, IReadOnlyList<string> args)
    {
        double trainSeconds = parse.GetValue(_trainTime) ?? _defaultTrainSeconds;
        if (!(trainSeconds > 0 && double.IsFinite(trainSeconds)))
            throw new InputException($"--train-time must be a positive number of seconds (got {trainSeconds.ToString(CultureInfo.InvariantCulture)}).");
        int? epochs = parse.GetValue(_epochs);
        if (epochs is < 1)
            throw new InputException($"--epochs must be at least 1 (got {epochs}).");
        double fraction = parse.GetValue(_validationFraction);
        if (!(fraction > 0 && fraction < 1))
            throw new InputException($"--validation-fraction must be between 0 and 1, e.g. 0.2 (got {fraction.ToString(CultureInfo.InvariantCulture)}).");
        int? maxRows = parse.GetValue(_maxRows);
        if (maxRows is < 1)
            throw new InputException($"--max-rows must be at least 1 (got {maxRows}).");
        string output = Path.GetFullPath(parse.GetValue(_output) ?? $"mlnettriplet-{_scenario}");
        if (File.Exists(output))
            throw new InputException($"--output '{output}' is a file: give a folder (it is created when missing).");
        string? triton = parse.GetValue(_triton) is { } folder ? Path.GetFullPath(folder) : null;
        if (triton is not null && File.Exists(triton))
            throw new InputException($"--triton '{triton}' is a file: give a folder (it is created when missing).");
        return new CommonSettings(_scenario, output, trainSeconds, epochs, parse.GetValue(_seed), fraction, maxRows,
            parse.GetValue(_verbose), "mlnettriplet " + string.Join(' ', args.Select(Quote)), triton);
    }

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsLetterOrDigit(c) || "-_./=:,+".Contains(c)) ? arg : "'" + arg.Replace("'", "'\\''") + "'";
}
