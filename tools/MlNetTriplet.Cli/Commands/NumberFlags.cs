using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace MlNetTriplet.Cli.Commands;

/// <summary>Parsers for numeric flags that say what the flag takes in words ("--train-time must be a number of seconds
/// (got 'abc')") instead of the parser's type name (<c>System.Nullable`1[System.Double]</c>). Numbers are read in the
/// invariant culture, as the tool prints them.</summary>
internal static class NumberFlags
{
    /// <summary>For an optional flag (<c>Option&lt;T?&gt;</c>).</summary>
    /// <param name="meaning">What the flag takes, e.g. "a number of seconds", "a whole number".</param>
    public static Func<ArgumentResult, T?> Optional<T>(string meaning) where T : struct, INumber<T> =>
        result => Parse<T>(result, meaning);

    /// <summary>For a flag with a default (<c>Option&lt;T&gt;</c>).</summary>
    public static Func<ArgumentResult, T> WithDefault<T>(string meaning) where T : struct, INumber<T> =>
        result => Parse<T>(result, meaning) ?? default;

    private static T? Parse<T>(ArgumentResult result, string meaning) where T : struct, INumber<T>
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(' ', result.Tokens.Select(t => t.Value));
        var style = typeof(T) == typeof(double) || typeof(T) == typeof(float) ? NumberStyles.Float : NumberStyles.Integer;
        if (T.TryParse(text, style, CultureInfo.InvariantCulture, out var value))
            return value;
        string flag = (result.Parent as OptionResult)?.Option.Name ?? "the flag";
        result.AddError($"{flag} must be {meaning} (got '{text}').");
        return null;
    }
}
