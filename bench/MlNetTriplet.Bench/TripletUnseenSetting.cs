using System.Globalization;

namespace MlNetTriplet.Bench;

/// <summary>One setting of the unseen-class study: the default triplet recipe with a few changes, named as written on
/// the command line ("default", "lr=1e-4", "lr=1e-4+margin=0.2"). Values are checked when parsed, before any training.</summary>
internal sealed record TripletUnseenSetting(string Name, IReadOnlyList<(string Key, string Value)> Changes)
{
    public const string Default = "default";

    public static TripletUnseenSetting Parse(string text)
    {
        string name = text.Trim();
        if (name == Default)
            return new(name, []);
        var changes = new List<(string, string)>();
        foreach (string part in name.Split('+'))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                throw new ArgumentException($"--settings: '{part}' is not key=value (or \"default\").");
            var change = (part[..eq], part[(eq + 1)..]);
            Apply(new TripletEmbeddingOptions(), change); // checks the key and the value now, not after an hour of training
            changes.Add(change);
        }
        return new(name, changes);
    }

    /// <summary>The options of this setting: the defaults (standard CNN, margin 1, semi-hard, batches of 32, Euclidean,
    /// 256-d normalised, Adam 1e-3) with <paramref name="epochs"/> unless the setting names its own, and the changes.</summary>
    public TripletEmbeddingOptions Options(int epochs, int seed)
    {
        var o = new TripletEmbeddingOptions { NumberOfEpochs = epochs, Seed = seed, LabelColumnName = "LabelKey" };
        foreach (var change in Changes)
            Apply(o, change);
        return o;
    }

    private static void Apply(TripletEmbeddingOptions o, (string Key, string Value) change)
    {
        var (key, value) = change;
        switch (key)
        {
            case "epochs": o.NumberOfEpochs = Int(key, value); break;
            case "embedding": o.EmbeddingSize = Int(key, value); break;
            case "normalize": o.NormalizeEmbedding = value switch
            {
                "true" => true,
                "false" => false,
                _ => throw Bad(key, value, "true or false"),
            }; break;
            case "lr": o.LearningRate = Positive(key, value); break;
            case "margin": o.Margin = Positive(key, value); break;
            case "mining": o.Mining = value switch
            {
                "semi-hard" => TripletMining.SemiHard,
                "batch-hard" => TripletMining.BatchHard,
                "batch-all" => TripletMining.BatchAll,
                _ => throw Bad(key, value, "semi-hard, batch-hard or batch-all"),
            }; break;
            case "loss": o.Loss = value switch
            {
                "margin" => TripletLossKind.Margin,
                "contrastive" => TripletLossKind.Contrastive,
                "multi-similarity" => TripletLossKind.MultiSimilarity,
                "proxy-anchor" => TripletLossKind.ProxyAnchor,
                _ => throw Bad(key, value, "margin, contrastive, multi-similarity or proxy-anchor"),
            }; break;
            default:
                throw new ArgumentException($"--settings: unknown key '{key}': expected epochs, embedding, normalize, lr, margin, mining or loss.");
        }
    }

    private static int Int(string key, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 1 ? n
            : throw Bad(key, value, "an integer of at least 1");

    private static double Positive(string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && x > 0 && double.IsFinite(x) ? x
            : throw Bad(key, value, "a positive number");

    private static ArgumentException Bad(string key, string value, string expected) =>
        new($"--settings: {key}={value}: expected {expected}.");
}
