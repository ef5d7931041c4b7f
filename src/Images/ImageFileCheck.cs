namespace MlNetTriplet.Images;

/// <summary>A photo that cannot be used, and why.</summary>
internal readonly record struct UnreadableImage(int Row, string Path, string Reason);

/// <summary>The check trainers run on photo files before any training step: every file decoded once, in parallel, at
/// the smallest JPEG scale (the whole compressed stream is still read, so truncation shows). Unreadable means what
/// <see cref="ImageDecoder"/> refuses: missing, empty, not a JPEG/PNG/GIF/BMP/WebP image, truncated or corrupt data,
/// under <see cref="ImageDecoder.MinimumSide"/> pixels on a side, over <see cref="ImageDecoder.MaximumPixels"/>.</summary>
internal static class ImageFileCheck
{
    /// <summary>How many bad files an error message lists.</summary>
    private const int Listed = 5;

    /// <summary>The unreadable files of <paramref name="paths"/>, in row order.</summary>
    public static IReadOnlyList<UnreadableImage> FindUnreadable(IReadOnlyList<string> paths, int workers,
        CancellationToken cancellation = default)
    {
        var reasons = new string?[paths.Count];
        Parallel.For(0, paths.Count,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers), CancellationToken = cancellation },
            () => new ImageDecoder(),
            (i, _, decoder) =>
            {
                reasons[i] = decoder.Check(paths[i]);
                return decoder;
            },
            decoder => decoder.Dispose());
        return reasons.Select((reason, row) => (reason, row)).Where(p => p.reason is not null)
            .Select(p => new UnreadableImage(p.row, paths[p.row], p.reason!)).ToList();
    }

    /// <summary>Checks <paramref name="rows"/>: with <paramref name="skipUnreadable"/>, returns the readable rows and
    /// the skipped ones (for the trainer to report); without it, throws naming the first few bad files and
    /// <paramref name="skipOptionName"/>, the option that skips them. Skipping must not remove a class: a label whose
    /// every photo is unreadable would leave a model that names a class it never saw. <paramref name="className"/> names a
    /// label key (0-based), quoted, in messages ("key k" when null).</summary>
    /// <exception cref="InvalidDataException">Some files are unreadable and skipping is off, none is readable, or
    /// every photo of some class is.</exception>
    public static (ImageFileRows Readable, IReadOnlyList<UnreadableImage> Skipped) Run(ImageFileRows rows,
        bool skipUnreadable, string skipOptionName, int workers, Func<int, string>? className = null,
        CancellationToken cancellation = default)
    {
        var bad = FindUnreadable(rows.Paths, workers, cancellation);
        if (bad.Count == 0)
            return (rows, bad);
        if (!skipUnreadable || bad.Count == rows.Count)
            throw Failure(bad, rows.Count, skipUnreadable ? null : skipOptionName);
        var readable = rows.Without(bad.Select(b => b.Row));
        var emptied = rows.Labels.Distinct().Except(readable.Labels).Order().ToList();
        if (emptied.Count > 0)
            throw EmptiedClasses(emptied, rows, bad, className ?? (k => $"key {k + 1}"));
        return (readable, bad);
    }

    private static InvalidDataException EmptiedClasses(List<long> emptied, ImageFileRows rows,
        IReadOnlyList<UnreadableImage> bad, Func<int, string> className)
    {
        string classes = string.Join(", ", emptied.Select(k => className((int)k)));
        var files = bad.Where(b => emptied.Contains(rows.Labels[b.Row])).ToList();
        string list = string.Join("; ", files.Take(Listed).Select(b => $"'{b.Path}': {b.Reason}"));
        string more = files.Count > Listed ? $"; and {files.Count - Listed} more" : "";
        return new InvalidDataException(
            $"Every image of class {classes} is unreadable ({list}{more}), so leaving unreadable images out would leave " +
            $"{(emptied.Count == 1 ? "that class" : "those classes")} with nothing to learn from. Fix or replace them, " +
            "or remove the class from the data.");
    }

    private static InvalidDataException Failure(IReadOnlyList<UnreadableImage> bad, int total, string? skipOptionName)
    {
        string list = string.Join("; ", bad.Take(Listed).Select(b => $"row {b.Row} '{b.Path}': {b.Reason}"));
        string more = bad.Count > Listed ? $"; and {bad.Count - Listed} more" : "";
        string fix = skipOptionName is null ? "Nothing is left to train on."
            : $"Fix or remove them, or set {skipOptionName} = true to leave them out (the trainer reports how many).";
        return new InvalidDataException($"{bad.Count} of {total} images cannot be read: {list}{more}. {fix}");
    }
}
