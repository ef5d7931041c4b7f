namespace MlNetTriplet.Examples;

/// <summary>The examples' command-line routine: parse, and on a mistake print it with the usage (exit code 1), on
/// --help print the usage (exit code 0).</summary>
internal static class CommandLine
{
    /// <summary>The parsed options, or null with <paramref name="exitCode"/> set when the program should stop here.</summary>
    public static T? Parse<T>(string[] args, Func<string[], T> parse, Func<T, bool> wantsHelp, string usage,
        out int exitCode) where T : class
    {
        exitCode = 0;
        T options;
        try
        {
            options = parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine();
            Console.Error.WriteLine(usage);
            exitCode = 1;
            return null;
        }
        if (!wantsHelp(options))
            return options;
        Console.WriteLine(usage);
        return null;
    }
}
