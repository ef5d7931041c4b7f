using System.Globalization;

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

    /// <summary>The value of option <c>args[i]</c>, moving <paramref name="i"/> onto it.</summary>
    /// <exception cref="ArgumentException">The option is last, or another option follows it.</exception>
    public static string Value(string[] args, ref int i)
    {
        if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            throw new ArgumentException($"Option {args[i]} needs a value.");
        return args[++i];
    }

    /// <summary><paramref name="value"/> as a whole number of at least <paramref name="min"/>.</summary>
    /// <exception cref="ArgumentException">It is not, naming <paramref name="option"/>.</exception>
    public static int Int(string option, string value, int min = int.MinValue) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min
            ? n : throw new ArgumentException(
                $"Option {option} needs a whole number{(min > int.MinValue ? $" of at least {min}" : "")}, got '{value}'.");

    /// <summary><paramref name="value"/> as a finite number in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    /// <exception cref="ArgumentException">It is not, naming <paramref name="option"/>.</exception>
    public static double Double(string option, string value, double min = double.MinValue, double max = double.MaxValue) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) && d >= min && d < max
            ? d : throw new ArgumentException(
                $"Option {option} needs a number{(min > double.MinValue ? $" in [{min}, {max})" : "")}, got '{value}'.");
}
