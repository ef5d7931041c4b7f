using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace MlNetTriplet.Projection;

/// <summary>A metric as the neighbour search uses it: rows are prepared once (cosine and correlation normalise them, so
/// the search only takes dot products), <see cref="Reduced"/> is a cheap monotone stand-in for the distance (squared
/// euclidean, 1 - dot) and <see cref="ToTrue"/> maps it back to the real distance the fuzzy graph needs.</summary>
internal abstract class DistanceKernel
{
    /// <summary>Persisted id: the <see cref="UmapMetric"/> value, or -1 for a custom distance.</summary>
    public abstract int Id { get; }

    /// <summary>The rows as the search reads them: the same array when no change is needed, else a new one.</summary>
    public virtual float[] Prepare(float[] data, int rows, int dims, ParallelOptions po) => data;

    /// <summary>Prepares one row in place (a transform() query).</summary>
    public virtual void PrepareRow(Span<float> row) { }

    public abstract float Reduced(ReadOnlySpan<float> x, ReadOnlySpan<float> y);

    public virtual float ToTrue(float reduced) => reduced;

    public static DistanceKernel Create(UmapOptions options) =>
        options.CustomDistance is { } custom ? new CustomKernel(custom) : Create((int)options.Metric, null);

    public static DistanceKernel Create(int id, IUmapDistance? custom) => id switch
    {
        (int)UmapMetric.Euclidean => new EuclideanKernel(),
        (int)UmapMetric.Manhattan => new ManhattanKernel(),
        (int)UmapMetric.Cosine => new AngularKernel(UmapMetric.Cosine),
        (int)UmapMetric.Correlation => new AngularKernel(UmapMetric.Correlation),
        -1 => new CustomKernel(custom ?? throw new ArgumentException(
            "The UMAP model was fitted with a custom IUmapDistance: pass the same distance to load it.", nameof(custom))),
        _ => throw new InvalidDataException($"Unknown UMAP metric id {id}."),
    };

    private sealed class EuclideanKernel : DistanceKernel
    {
        public override int Id => (int)UmapMetric.Euclidean;

        public override float Reduced(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => SumOfDifferences<Squared>(x, y);

        public override float ToTrue(float reduced) => MathF.Sqrt(reduced);
    }

    private sealed class ManhattanKernel : DistanceKernel
    {
        public override int Id => (int)UmapMetric.Manhattan;

        public override float Reduced(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => SumOfDifferences<Absolute>(x, y);
    }

    /// <summary>Σ f(x[i] - y[i]), SIMD lanes first, then the tail. A generic struct op keeps it one loop for every
    /// metric while the JIT still inlines f.</summary>
    private static float SumOfDifferences<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y) where TOp : struct, IDifferenceOp
    {
        int i = 0;
        float sum = 0f;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
            var vy = MemoryMarshal.Cast<float, Vector<float>>(y[..x.Length]);
            for (int v = 0; v < vx.Length; v++)
                acc += TOp.Apply(vx[v] - vy[v]);
            sum = Vector.Sum(acc);
            i = vx.Length * Vector<float>.Count;
        }
        for (; i < x.Length; i++)
            sum += TOp.Apply(x[i] - y[i]);
        return sum;
    }

    private interface IDifferenceOp
    {
        static abstract Vector<float> Apply(Vector<float> difference);
        static abstract float Apply(float difference);
    }

    private readonly struct Squared : IDifferenceOp
    {
        public static Vector<float> Apply(Vector<float> difference) => difference * difference;
        public static float Apply(float difference) => difference * difference;
    }

    private readonly struct Absolute : IDifferenceOp
    {
        public static Vector<float> Apply(Vector<float> difference) => Vector.Abs(difference);
        public static float Apply(float difference) => MathF.Abs(difference);
    }

    /// <summary>Cosine (and correlation, on centred rows): rows are scaled to unit length, the distance is 1 - dot.
    /// A row of zeros (or a constant row, for correlation) stays zero, so it is at distance 1 from every row: a
    /// documented, finite behaviour rather than NaN (pynndescent gives the same 1, except 0 between two such rows).</summary>
    private sealed class AngularKernel(UmapMetric metric) : DistanceKernel
    {
        public override int Id => (int)metric;

        public override float[] Prepare(float[] data, int rows, int dims, ParallelOptions po)
        {
            var result = GC.AllocateUninitializedArray<float>(data.Length);
            Parallel.For(0, rows, po, r =>
            {
                data.AsSpan(r * dims, dims).CopyTo(result.AsSpan(r * dims, dims));
                PrepareRow(result.AsSpan(r * dims, dims));
            });
            return result;
        }

        public override void PrepareRow(Span<float> row)
        {
            if (metric == UmapMetric.Correlation)
            {
                // Centre in double: the mean of 784 pixels in float loses the constant-row case to rounding.
                double mean = 0;
                foreach (float v in row) mean += v;
                mean /= row.Length;
                for (int i = 0; i < row.Length; i++) row[i] = (float)(row[i] - mean);
            }
            float norm = TensorPrimitives.Norm(row);
            // Below this the row is constant up to rounding: keep it exactly zero (distance 1 to everything).
            if (norm > 1e-30f)
                TensorPrimitives.Divide(row, norm, row);
            else
                row.Clear();
        }

        public override float Reduced(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => 1f - TensorPrimitives.Dot(x, y);

        public override float ToTrue(float reduced) => Math.Max(0f, reduced);
    }

    private sealed class CustomKernel(IUmapDistance distance) : DistanceKernel
    {
        public override int Id => -1;

        public override float Reduced(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
        {
            float d = distance.Distance(x, y);
            if (!(d >= 0f) || float.IsPositiveInfinity(d))
                throw new InvalidOperationException(
                    $"The custom IUmapDistance returned {d}: expected a finite, non-negative distance.");
            return d;
        }
    }
}
