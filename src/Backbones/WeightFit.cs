using static TorchSharp.torch;

namespace MlNetTriplet.Backbones;

/// <summary>Copies a state_dict into a network's tensors after checking that they fit: every tensor the network
/// needs is there with its shape, and nothing else is (but a classifier head, which we replace). A misfit fails
/// before any tensor is touched, listing the first missing, unexpected and mis-shaped names.</summary>
internal static class WeightFit
{
    private static readonly string[] HeadPrefixes = ["fc.", "classifier."];
    private const int Listed = 5;

    public static void Copy(IReadOnlyDictionary<string, Tensor> targets, IReadOnlyDictionary<string, Tensor> weights,
        string source, string architecture)
    {
        // torchvision files from before PyTorch 0.4.1 lack num_batches_tracked; it only counts training steps.
        var missing = targets.Where(t => !weights.ContainsKey(t.Key) && !t.Key.EndsWith(".num_batches_tracked", StringComparison.Ordinal))
            .Select(t => $"{t.Key} {Shape(t.Value)}").ToList();
        var unexpected = weights.Where(w => !targets.ContainsKey(w.Key) && !HeadPrefixes.Any(p => w.Key.StartsWith(p, StringComparison.Ordinal)))
            .OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => $"{w.Key} {Shape(w.Value)}").ToList();
        var misShaped = targets.Where(t => weights.TryGetValue(t.Key, out var w) && !w.shape.SequenceEqual(t.Value.shape))
            .Select(t => $"{t.Key} expected {Shape(t.Value)}, found {Shape(weights[t.Key])}").ToList();
        if (missing.Count + unexpected.Count + misShaped.Count > 0)
            throw new InvalidDataException(
                $"The weights in '{source}' do not fit {architecture}: {missing.Count} missing, {unexpected.Count} unexpected, " +
                $"{misShaped.Count} mis-shaped tensors.{List("Missing", missing)}{List("Unexpected", unexpected)}" +
                $"{List("Mis-shaped", misShaped)} A classifier head (fc.*, classifier.*) is ignored. Is it a state_dict of " +
                $"another architecture?{PrefixHint(targets, weights)}");

        using var noGrad = no_grad();
        foreach (var (name, target) in targets)
            if (weights.TryGetValue(name, out var weight))
                target.copy_(weight);
    }

    private static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";

    private static string List(string kind, List<string> items) => items.Count == 0 ? "" :
        $" {kind}: {string.Join("; ", items.Take(Listed))}{(items.Count > Listed ? $" (and {items.Count - Listed} more)" : "")}.";

    /// <summary>Names saved from a wrapped model (DataParallel's "module.", a "backbone." attribute) all carry a
    /// prefix, which stripped makes them fit.</summary>
    private static string PrefixHint(IReadOnlyDictionary<string, Tensor> targets, IReadOnlyDictionary<string, Tensor> weights)
    {
        string first = weights.Keys.FirstOrDefault() ?? "";
        string prefix = first[..(first.IndexOf('.') + 1)];
        return prefix.Length > 0 && weights.Keys.All(k => k.StartsWith(prefix, StringComparison.Ordinal))
                                 && weights.Keys.Any(k => targets.ContainsKey(k[prefix.Length..]))
            ? $" All its names start with '{prefix}' (a wrapped model?): save the inner module's state_dict."
            : "";
    }
}
