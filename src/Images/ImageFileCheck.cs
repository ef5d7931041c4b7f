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
    /// <paramref name="skipOptionName"/>, the option that skips them.</summary>
    /// <exception cref="InvalidDataException">Some files are unreadable and skipping is off, or none is readable.</exception>
    public static (ImageFileRows Readable, IReadOnlyList<UnreadableImage> Skipped) Run(ImageFileRows rows,
        bool skipUnreadable, string skipOptionName, int workers, CancellationToken cancellation = default)
    {
        var bad = FindUnreadable(rows.Paths, workers, cancellation);
        if (bad.Count == 0)
            return (rows, bad);
        if (!skipUnreadable || bad.Count == rows.Count)
            throw Failure(bad, rows.Count, skipUnreadable ? null : skipOptionName);
        return (rows.Without(bad.Select(b => b.Row)), bad);
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
