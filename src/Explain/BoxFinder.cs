namespace MlNetTriplet.Explain;

/// <summary>Weak localisation by the CAM paper's rule: keep the pixels above a share of the map's maximum, and take the
/// bounding box of the largest 8-connected region among them. Holds its scratch buffers: one per thread.</summary>
internal sealed class BoxFinder(int height, int width)
{
    private readonly int[] _labels = new int[height * width];
    private readonly int[] _stack = new int[height * width];

    /// <summary>The box of <paramref name="map"/> (height x width, row-major) at <paramref name="threshold"/> times
    /// its maximum; empty when the map has no positive value.</summary>
    public ActivationBox Find(ReadOnlySpan<float> map, float threshold)
    {
        float max = 0;
        foreach (float v in map)
            max = Math.Max(max, v);
        if (max <= 0)
            return default;
        float cut = threshold * max;
        Array.Clear(_labels);
        var best = default(ActivationBox);
        int bestCount = 0, region = 0;
        for (int start = 0; start < map.Length; start++)
        {
            if (_labels[start] != 0 || map[start] < cut)
                continue;
            var (box, count) = Fill(map, cut, start, ++region);
            if (count > bestCount)
                (best, bestCount) = (box, count);
        }
        return best;
    }

    /// <summary>Labels the region of <paramref name="start"/> (depth-first, on an explicit stack) and returns its box
    /// and pixel count.</summary>
    private (ActivationBox, int) Fill(ReadOnlySpan<float> map, float cut, int start, int region)
    {
        int top = 0, count = 0;
        int minX = width, minY = height, maxX = -1, maxY = -1;
        _stack[top++] = start;
        _labels[start] = region;
        while (top > 0)
        {
            int p = _stack[--top];
            int y = p / width, x = p - y * width;
            count++;
            (minX, maxX, minY, maxY) = (Math.Min(minX, x), Math.Max(maxX, x), Math.Min(minY, y), Math.Max(maxY, y));
            for (int dy = -1; dy <= 1; dy++)
            {
                int ny = y + dy;
                if (ny < 0 || ny >= height)
                    continue;
                for (int dx = -1; dx <= 1; dx++)
                {
                    int nx = x + dx, q = ny * width + nx;
                    if (nx < 0 || nx >= width || _labels[q] != 0 || map[q] < cut)
                        continue;
                    _labels[q] = region;
                    _stack[top++] = q;
                }
            }
        }
        return (new ActivationBox(minX, minY, maxX - minX + 1, maxY - minY + 1), count);
    }
}
