namespace MlNetTriplet.Neighbors;

/// <summary>Rows laid out for the exact search and its <see cref="DotKernel"/>: a private copy, prepared for the metric
/// (scaled to unit length for cosine), each row padded with zeros to a multiple of 16 floats and the row count padded
/// with zero rows to whole tiles, and each row's squared norm from the same kernel. The padding gives every row the
/// same alignment and every pair the same arithmetic, so identical rows are at exactly equal distances (ties then fall
/// to the index).</summary>
internal sealed class PackedRows
{
    private const int Align = 16;

    private PackedRows(float[] data, int rows, int paddedRows, int dims, int stride, float[] squaredNorms)
    {
        Data = data;
        Rows = rows;
        PaddedRows = paddedRows;
        Dims = dims;
        Stride = stride;
        SquaredNorms = squaredNorms;
    }

    public float[] Data { get; }
    public int Rows { get; }

    /// <summary><see cref="Rows"/> rounded up to a multiple of <see cref="DotKernel.TileRows"/>.</summary>
    public int PaddedRows { get; }
    public int Dims { get; }
    public int Stride { get; }
    public float[] SquaredNorms { get; }

    /// <summary>Row <paramref name="i"/> with its padding.</summary>
    public ReadOnlySpan<float> Row(int i) => Data.AsSpan(i * Stride, Stride);

    /// <summary>Row <paramref name="i"/>'s <see cref="Dims"/> values.</summary>
    public ReadOnlySpan<float> Values(int i) => Data.AsSpan(i * Stride, Dims);

    /// <param name="rows">Row-major values, at least <paramref name="count"/> x <paramref name="dims"/>; finite.</param>
    /// <param name="count">Rows.</param>
    /// <param name="dims">Values per row.</param>
    /// <param name="prepare">The metric whose <see cref="DistanceKernel.PrepareRow"/> each row goes through (cosine
    /// scales it to unit length; a zero row stays zero), or null for rows already prepared.</param>
    /// <param name="po">Parallelism.</param>
    public static PackedRows Pack(float[] rows, int count, int dims, DistanceKernel? prepare, ParallelOptions po)
    {
        int stride = (dims + Align - 1) / Align * Align;
        int padded = (count + DotKernel.TileRows - 1) / DotKernel.TileRows * DotKernel.TileRows;
        var data = new float[checked((long)padded * stride)];
        var norms = new float[padded];
        Parallel.For(0, count, po, i =>
        {
            var row = data.AsSpan(i * stride, stride);
            rows.AsSpan(i * dims, dims).CopyTo(row);
            prepare?.PrepareRow(row[..dims]);
            norms[i] = DotKernel.SelfDot(row);
        });
        for (int i = 0; i < count; i++)
            if (!float.IsFinite(norms[i]))
                throw new ArgumentException(
                    $"Row {i}: its squared length overflows a float ({norms[i]}); distances would be meaningless. Scale the embeddings down.",
                    nameof(rows));
        return new PackedRows(data, count, padded, dims, stride, norms);
    }
}
