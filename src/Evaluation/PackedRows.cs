using System.Numerics.Tensors;

namespace MlNetTriplet.Evaluation;

/// <summary>Embedding rows laid out for a <see cref="DotKernel"/>: a private copy (L2-normalised for cosine), each row
/// padded with zeros to a multiple of 16 floats and the row count padded with zero rows to whole tiles, and each
/// row's squared norm from the same kernel. The padding gives every row the same alignment and every pair the same
/// arithmetic, so identical rows are at exactly equal distances (ties then fall to the index).</summary>
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

    public ReadOnlySpan<float> Row(int i) => Data.AsSpan(i * Stride, Stride);

    /// <param name="rows">Row-major values, at least <paramref name="count"/> x <paramref name="dims"/>; finite.</param>
    /// <param name="count">Rows.</param>
    /// <param name="dims">Values per row.</param>
    /// <param name="distance">Cosine scales each row to unit length (a zero row stays zero: at distance 1 from
    /// every unit row, as <c>Projection</c>'s cosine kernel), so both distances become squared euclidean ones.</param>
    /// <param name="po">Parallelism.</param>
    public static PackedRows Pack(float[] rows, int count, int dims, EmbeddingDistance distance, ParallelOptions po)
    {
        int stride = (dims + Align - 1) / Align * Align;
        int padded = (count + DotKernel.TileRows - 1) / DotKernel.TileRows * DotKernel.TileRows;
        var data = new float[checked((long)padded * stride)];
        var norms = new float[padded];
        Parallel.For(0, count, po, i =>
        {
            var row = data.AsSpan(i * stride, stride);
            rows.AsSpan(i * dims, dims).CopyTo(row);
            if (distance == EmbeddingDistance.Cosine)
            {
                float norm = TensorPrimitives.Norm(row);
                if (norm > 0f)
                    TensorPrimitives.Divide(row, norm, row);
            }
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
