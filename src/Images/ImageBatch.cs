namespace MlNetTriplet.Images;

/// <summary>One prepared batch: <see cref="Count"/> rows of <see cref="RowSize"/> values (C x H x W in [0, 1]) at the
/// start of <see cref="Pixels"/>, and their 0-based labels. Its buffers belong to the stream that produced it and are
/// reused: the batch is valid until the consumer asks that stream for the next one.</summary>
internal sealed class ImageBatch(int capacity, int rowSize)
{
    public float[] Pixels { get; } = new float[checked(capacity * rowSize)];
    public long[] Labels { get; } = new long[capacity];

    /// <summary>The data rows in this batch, in order (indices into the rows the stream reads).</summary>
    public int[] Rows { get; } = new int[capacity];

    public int RowSize { get; } = rowSize;
    public int Count { get; internal set; }

    /// <summary>0-based position of this batch in its epoch.</summary>
    public int Index { get; internal set; }

    /// <summary>The filled part of <see cref="Pixels"/>: Count x RowSize values.</summary>
    public Span<float> Values => Pixels.AsSpan(0, Count * RowSize);

    public Span<float> Row(int slot) => Pixels.AsSpan(slot * RowSize, RowSize);
}
