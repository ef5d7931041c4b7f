using System.Globalization;

namespace MlNetTriplet.Examples;

/// <summary>Which names to print for the ten class ids.</summary>
internal enum ClassNameSet
{
    /// <summary>Fashion-MNIST's article names (T-shirt/top, Trouser, ...).</summary>
    Fashion,
    /// <summary>The ids themselves ("0" to "9"), for the original MNIST digits or any other IDX data.</summary>
    Digits,
}

/// <summary>Display names of MNIST-style class ids.</summary>
internal static class ClassNames
{
    private static readonly string[] FashionNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static string Of(uint id, ClassNameSet set) =>
        set == ClassNameSet.Fashion && id < FashionNames.Length ? FashionNames[id] : id.ToString(CultureInfo.InvariantCulture);

    /// <summary>"fashion" or "digits" from the command line.</summary>
    public static ClassNameSet Parse(string option, string value) => value switch
    {
        "fashion" => ClassNameSet.Fashion,
        "digits" => ClassNameSet.Digits,
        _ => throw new ArgumentException($"Option {option} takes fashion or digits, got '{value}'."),
    };

    /// <summary>Fashion names for the default folder or any folder whose name says Fashion-MNIST, else digits.</summary>
    public static ClassNameSet Guess(string directory)
    {
        string full = Path.GetFullPath(directory).TrimEnd('/');
        return full == DataFiles.DefaultDirectory || Path.GetFileName(full).Contains("fashion", StringComparison.OrdinalIgnoreCase)
            ? ClassNameSet.Fashion : ClassNameSet.Digits;
    }
}
