using MlNetTriplet.Images;

namespace MlNetTriplet.Batches;

/// <summary>Fixed-width rows in one array, as a column reader fills them: floats (the batch a network reads), or bytes
/// (prepared photo pixels, 0-255, waiting in a shuffle window: a quarter of the memory, scaled to [0, 1] when copied
/// out).</summary>
internal sealed class RowBuffer
{
    private readonly byte[] _bytes;

    private RowBuffer(int rows, int width, bool bytes)
    {
        (Rows, Width, HoldsBytes) = (rows, width, bytes);
        _bytes = bytes ? new byte[checked(rows * width)] : [];
        Floats = bytes ? [] : new float[checked(rows * width)];
    }

    public static RowBuffer OfFloats(int rows, int width) => new(rows, width, bytes: false);
    public static RowBuffer OfBytes(int rows, int width) => new(rows, width, bytes: true);

    public int Rows { get; }
    public int Width { get; }
    public bool HoldsBytes { get; }

    /// <summary>All the float rows, row after row (empty when the buffer holds bytes).</summary>
    public float[] Floats { get; }

    public Span<float> FloatRow(int slot) => Floats.AsSpan(slot * Width, Width);
    public Span<byte> ByteRow(int slot) => _bytes.AsSpan(slot * Width, Width);

    /// <summary>Row <paramref name="slot"/> as floats (bytes scaled to [0, 1]).</summary>
    public void CopyRow(int slot, Span<float> destination)
    {
        if (HoldsBytes)
            PlanarPixels.Scale(ByteRow(slot), destination);
        else
            FloatRow(slot).CopyTo(destination);
    }
}
