using static TorchSharp.torch;

namespace MlNetTriplet.Backbones;

/// <summary>Copies a state_dict into a network's tensors after checking that they fit: every tensor the network
/// needs is there with its shape, and nothing else is (but a classifier head, which we replace), and the values can be
/// weights at all (finite; batch-norm variances not negative; no lone value thousands of times the others). A misfit fails before any tensor is touched, listing the
/// first missing, unexpected and mis-shaped names. The values check is what catches damage in files whose format has
/// no checksum (TorchSharp's .dat, safetensors): it cannot see a flipped byte that leaves a plausible number.</summary>
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

        var impossible = targets.Keys.Where(weights.ContainsKey).Select(name => (name, problem: Problem(name, weights[name])))
            .Where(p => p.problem is not null).Select(p => $"{p.name} {p.problem}").ToList();
        if (impossible.Count > 0)
            throw new InvalidDataException(
                $"The weights in '{source}' hold values no trained network has: {string.Join("; ", impossible.Take(Listed))}{(impossible.Count > Listed ? $" (and {impossible.Count - Listed} more)" : "")}. The file is damaged; save or download it again.");

        using var noGrad = no_grad();
        foreach (var (name, target) in targets)
            if (weights.TryGetValue(name, out var weight))
                target.copy_(weight);
    }

    private static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";

    /// <summary>Why a tensor's values cannot be trained weights, or null: not finite; a negative variance; or, in a
    /// convolution or linear weight of 1,024 values or more, a value over <see cref="OutlierFactor"/> times the median
    /// magnitude of the non-zero values. Trained weights stay within a few dozen times it; a bit-flipped float32
    /// (exponent bits inverted) lands thousands of times away.</summary>
    private static string? Problem(string name, Tensor weight)
    {
        if (!weight.is_floating_point())
            return null;
        using var scope = NewDisposeScope();
        if (!weight.isfinite().all().item<bool>())
            return "holds NaN or infinite values";
        if (name.EndsWith(".running_var", StringComparison.Ordinal) && weight.lt(0).any().item<bool>())
            return "holds a negative variance";
        if (weight.dim() < 2 || weight.numel() < 1024)
            return null;
        var magnitudes = weight.abs().flatten();
        var nonZero = magnitudes.masked_select(magnitudes.gt(0));
        if (nonZero.numel() == 0)
            return null;
        double typical = nonZero.median().to_type(ScalarType.Float64).item<double>();
        double largest = magnitudes.max().to_type(ScalarType.Float64).item<double>();
        return largest > OutlierFactor * typical
            ? $"holds a value of magnitude {largest:G3}, {largest / typical:G3} times its median magnitude {typical:G3}" : null;
    }

    /// <summary>How far past the median magnitude a weight may lie: the ImageNet ResNet-18 (CNTK) reaches 45 at most
    /// (layer1.0.conv1.weight).</summary>
    private const double OutlierFactor = 1000;

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
