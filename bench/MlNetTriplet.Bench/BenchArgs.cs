using System.Globalization;

namespace MlNetTriplet.Bench;

/// <summary>Reads a verb's flags one at a time: <c>while (a.Next(out var flag)) o = flag switch { ... a.Int() ... }</c>.
/// Every verb's options parse through it, so a flag missing its value says so the same way everywhere.</summary>
internal sealed class BenchArgs(IReadOnlyList<string> args)
{
    private int _next;
    private string _flag = "";

    /// <summary>The next flag, or false at the end.</summary>
    public bool Next(out string flag)
    {
        if (_next >= args.Count)
        {
            flag = "";
            return false;
        }
        flag = _flag = args[_next++];
        return true;
    }

    /// <summary>The current flag's value (the next argument).</summary>
    public string Value() => _next < args.Count ? args[_next++] : throw new ArgumentException($"{_flag} needs a value.");

    /// <summary>The current flag's value as an integer.</summary>
    public int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);

    /// <summary>The current flag's value as a comma-separated list of integers.</summary>
    public List<int> Ints() => Value().Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToList();

    /// <summary>The current flag's value as a number.</summary>
    public double Double() => double.Parse(Value(), CultureInfo.InvariantCulture);
}
