using System.Collections;
using System.Globalization;

namespace MlNetTriplet.Checks;

/// <summary>The one way an options object says what is wrong with it. Each kind of fault has one exception type, as
/// ML.NET chooses them (a value outside what the option accepts: <see cref="ArgumentOutOfRangeException"/>; a column
/// name that names nothing, or options that cannot go together: <see cref="ArgumentException"/>; a required option
/// left null: <see cref="ArgumentNullException"/>), and every message has one form that names the option with the
/// object it belongs to, the value it holds and what is accepted:
/// <c>Option TripletEmbeddingOptions.Margin is -1: expected zero or a positive number.</c></summary>
/// <param name="owner">How users name the options object: its type ("TransferLearningTrainer.Options") or a path
/// inside it ("CnnClassifierTrainer.Options.Architecture.Blocks[1]").</param>
internal readonly struct OptionChecks(string owner)
{
    /// <summary>Stands for an object-valued option that is set, in messages ("is set").</summary>
    public static readonly object Set = new Shown("set");

    /// <summary>The checks of <paramref name="options"/>, named after its type (a nested type with its outer type, as
    /// users write it).</summary>
    public static OptionChecks For(object options) => new(TypeName(options.GetType()));

    /// <summary>The checks of an object held by option <paramref name="path"/> (e.g. <c>"Architecture"</c>,
    /// <c>"Blocks[0]"</c>), so its options are named from the user's object down.</summary>
    public OptionChecks Inside(string path) => new($"{owner}.{path}");

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="accepted"/>.</summary>
    /// <param name="accepted">Whether the value is one the option takes.</param>
    /// <param name="option">The option's name (<c>nameof</c> the property).</param>
    /// <param name="value">The value it holds.</param>
    /// <param name="expected">What it accepts, e.g. "at least 1", "a number in [0, 1)".</param>
    public void Accepts(bool accepted, string option, object? value, string expected)
    {
        if (!accepted)
            throw new ArgumentOutOfRangeException(option, Message(option, value, expected));
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="value"/> is a named member of
    /// its enum.</summary>
    public void Defined<TEnum>(TEnum value, string option) where TEnum : struct, Enum =>
        OneOf(value, option, Enum.GetValues<TEnum>());

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="value"/> is one of
    /// <paramref name="accepted"/>: an option that takes part of a shared enum (<see cref="DistanceMetric"/>).</summary>
    public void OneOf<TEnum>(TEnum value, string option, params TEnum[] accepted) where TEnum : struct, Enum =>
        Accepts(accepted.Contains(value), option, value, $"one of {string.Join(", ", accepted)}");

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="name"/> is blank (or null, unless
    /// <paramref name="optional"/>).</summary>
    public void ColumnName(string? name, string option, bool optional = false)
    {
        if (name is null ? !optional : string.IsNullOrWhiteSpace(name))
            throw new ArgumentException(Message(option, name, optional ? "null or the name of a column" : "the name of a column"), option);
    }

    /// <summary>Returns <paramref name="value"/>, or throws <see cref="ArgumentNullException"/> when it is null.</summary>
    public T Required<T>(T? value, string option, string expected) where T : class =>
        value ?? throw new ArgumentNullException(option, Message(option, null, expected));

    /// <summary>Throws <see cref="ArgumentException"/> naming both options unless they can go together.</summary>
    /// <param name="compatible">Whether the two values can go together.</param>
    /// <param name="option">The option whose value is refused.</param>
    /// <param name="value">Its value.</param>
    /// <param name="other">The option it conflicts with.</param>
    /// <param name="otherValue">That option's value.</param>
    /// <param name="expected">What would be accepted, e.g. "at least 2 when the backbone trains (batch norm)".</param>
    public void Compatible(bool compatible, string option, object? value, string other, object? otherValue, string expected)
    {
        if (!compatible)
            throw new ArgumentException(
                $"Option {owner}.{option} is {Show(value)} while {owner}.{other} is {Show(otherValue)}: expected {expected}.", option);
    }

    /// <summary>Throws <see cref="ArgumentException"/> when two columns a transform adds would share a name (one would
    /// silently hide the other).</summary>
    /// <param name="added">Each option naming an added column, with its value (null: the column is not added).</param>
    /// <param name="fixedNames">The columns the transform always adds under fixed names (e.g. Score, PredictedLabel).</param>
    public void DistinctColumns((string Option, string? Name)[] added, params string[] fixedNames)
    {
        for (int i = 0; i < added.Length; i++)
        {
            if (added[i].Name is not { } name)
                continue;
            if (fixedNames.Contains(name, StringComparer.Ordinal))
                throw new ArgumentException(Message(added[i].Option, name,
                    $"a name other than {string.Join(" and ", fixedNames.Select(n => Show(n)))}, the columns it always adds"), added[i].Option);
            for (int j = 0; j < i; j++)
                if (string.Equals(name, added[j].Name, StringComparison.Ordinal))
                    throw new ArgumentException(Message(added[i].Option, name,
                        $"a column name of its own ({owner}.{added[j].Option} is {Show(name)} too)"), added[i].Option);
        }
    }

    /// <summary>The message form of every option fault.</summary>
    public string Message(string option, object? value, string expected) => $"Option {owner}.{option} is {Show(value)}: expected {expected}.";

    /// <summary>A value as a message shows it: text quoted, numbers in invariant culture, lists in brackets.</summary>
    public static string Show(object? value) => value switch
    {
        null => "null",
        Shown shown => shown.Text,
        string s => $"'{s}'",
        bool b => b ? "true" : "false",
        Enum e => Enum.IsDefined(e.GetType(), e) ? e.ToString() : Convert.ToInt64(e, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Show)) + "]",
        _ => value.ToString() ?? "",
    };

    /// <summary>A value that messages show as its text, unquoted.</summary>
    private sealed record Shown(string Text);

    private static string TypeName(Type type) => type.DeclaringType is { } outer ? $"{TypeName(outer)}.{type.Name}" : type.Name;
}
