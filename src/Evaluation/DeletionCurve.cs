namespace MlNetTriplet.Evaluation;

/// <summary>Faithfulness by deletion (Petsiuk et al. 2018, RISE): the image's pixels are replaced, most relevant first
/// by the map, in equal steps; the explained class's probability after each step traces a curve whose area is small
/// when the map found what the class rests on. Compare it with the area for a random order of the same pixels. A pixel
/// is deleted in all channels at once and replaced by the image's mean colour (not black, which would add edges the
/// network may respond to, the artefact ROAD warns about).</summary>
internal static class DeletionCurve
{
    /// <summary>Pixel indices (row-major) from the map's highest value to its lowest; ties keep index order.</summary>
    public static int[] MostRelevantFirst(ReadOnlySpan<float> map)
    {
        var keys = new float[map.Length];
        for (int i = 0; i < map.Length; i++)
            keys[i] = -map[i];
        var order = Enumerable.Range(0, map.Length).ToArray();
        Array.Sort(keys, order);
        StableTies(keys, order);
        return order;
    }

    /// <summary>Pixel indices in a random order drawn from <paramref name="random"/>.</summary>
    public static int[] RandomOrder(int pixels, Random random)
    {
        var order = Enumerable.Range(0, pixels).ToArray();
        random.Shuffle(order);
        return order;
    }

    /// <summary>The images after 0, 1, ..., <paramref name="steps"/> deletion steps (step k deletes the first
    /// k / steps of <paramref name="order"/>): (steps + 1) x shape.Size values.</summary>
    public static float[] Images(ReadOnlySpan<float> image, ImageShape shape, int[] order, int steps)
    {
        int plane = shape.Height * shape.Width;
        if (image.Length != shape.Size || order.Length != plane)
            throw new ArgumentException($"Expected an image of {shape} and an order of {plane} pixels.", nameof(order));
        var fill = new float[shape.Channels];
        for (int c = 0; c < shape.Channels; c++)
        {
            double sum = 0;
            foreach (float v in image.Slice(c * plane, plane))
                sum += v;
            fill[c] = (float)(sum / plane);
        }
        var result = new float[(steps + 1) * shape.Size];
        var current = image.ToArray();
        current.CopyTo(result, 0);
        for (int k = 1; k <= steps; k++)
        {
            for (int i = (int)((long)(k - 1) * plane / steps); i < (int)((long)k * plane / steps); i++)
                for (int c = 0; c < shape.Channels; c++)
                    current[c * plane + order[i]] = fill[c];
            current.CopyTo(result, k * shape.Size);
        }
        return result;
    }

    /// <summary>Area under a curve sampled at equal steps over [0, 1] (trapezoids).</summary>
    public static double Area(ReadOnlySpan<double> values)
    {
        double area = 0;
        for (int i = 1; i < values.Length; i++)
            area += (values[i - 1] + values[i]) / 2;
        return area / (values.Length - 1);
    }

    // Array.Sort is not stable: equal keys are put back in index order, so the same map always deletes the same pixels.
    private static void StableTies(float[] keys, int[] order)
    {
        for (int start = 0; start < keys.Length;)
        {
            int end = start + 1;
            while (end < keys.Length && keys[end] == keys[start])
                end++;
            Array.Sort(order, start, end - start);
            start = end;
        }
    }
}
