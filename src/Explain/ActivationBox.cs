namespace MlNetTriplet.Explain;

/// <summary>A box on a map, in pixels, origin top-left: columns [X, X + Width), rows [Y, Y + Height). Empty (all
/// zero) when the map has no positive value.</summary>
internal readonly record struct ActivationBox(int X, int Y, int Width, int Height)
{
    /// <summary>The values a box column holds: X, Y, Width, Height.</summary>
    public const int Size = 4;

    public bool IsEmpty => Width == 0 || Height == 0;

    public int Area => Width * Height;

    /// <summary>Whether pixel (<paramref name="x"/>, <paramref name="y"/>) lies inside.</summary>
    public bool Contains(int x, int y) => x >= X && x < X + Width && y >= Y && y < Y + Height;

    /// <summary>Intersection over union; 0 when either box is empty.</summary>
    public double IntersectionOverUnion(ActivationBox other)
    {
        int width = Math.Min(X + Width, other.X + other.Width) - Math.Max(X, other.X);
        int height = Math.Min(Y + Height, other.Y + other.Height) - Math.Max(Y, other.Y);
        if (width <= 0 || height <= 0)
            return 0;
        double intersection = (double)width * height;
        return intersection / (Area + other.Area - intersection);
    }

    public void CopyTo(Span<float> destination)
    {
        destination[0] = X;
        destination[1] = Y;
        destination[2] = Width;
        destination[3] = Height;
    }

    public static ActivationBox From(ReadOnlySpan<float> values) =>
        new((int)values[0], (int)values[1], (int)values[2], (int)values[3]);
}
