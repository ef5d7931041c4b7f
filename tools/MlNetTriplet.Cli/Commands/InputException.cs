namespace MlNetTriplet.Cli.Commands;

/// <summary>Input the tool cannot use (a missing file or column, one class, too few rows...): its message is the one
/// line the user sees, naming what is wrong and what to do; the tool exits with <see cref="ExitCodes.BadInput"/>.</summary>
internal sealed class InputException(string message) : Exception(message);

/// <summary>Ctrl+C came before any epoch ended, so there is no model to keep.</summary>
internal sealed class StoppedException(string message) : Exception(message);

/// <summary>The tool's exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>Trained and wrote every output (also after Ctrl+C once an epoch had ended).</summary>
    public const int Success = 0;

    /// <summary>Training or writing failed for a reason that is not the input's (the message says which).</summary>
    public const int Failed = 1;

    /// <summary>Wrong input: a flag, the dataset, a column.</summary>
    public const int BadInput = 2;

    /// <summary>Stopped by Ctrl+C before there was a model to keep (the shell's code for SIGINT).</summary>
    public const int Interrupted = 130;
}
