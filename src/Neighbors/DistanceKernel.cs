using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace MlNetTriplet.Neighbors;

/// <summary>A metric as the neighbour engine computes it. Rows are prepared once (cosine and correlation scale them to
/// unit length, correlation centres them first), and the search ranks by a cheap monotone stand-in for the distance,
/// the reduced distance (squared euclidean, the sum of absolute differences, 1 - dot), which <see cref="ToTrue"/> maps
/// back. Two ways to reduce: pair by pair (<see cref="Reduced"/>, for NN-descent's scattered pairs) and from a row of
/// dot products (<see cref="FromDots"/>, for the exact search, whose blocked matrix products run at the FMA units'
/// speed); L1 and custom distances only pair.</summary>
internal abstract class DistanceKernel
{
    /// <summary>The metric, or null for a custom distance.</summary>
    public abstract DistanceMetric? Metric { get; }

    /// <summary>Whether <see cref="FromDots"/> computes this metric from dot products of prepared rows.</summary>
    public virtual bool FromDotProducts => false;

    /// <summary>The rows as the search reads them: the same array when no change is needed, else a new one.</summary>
    public virtual float[] Prepare(float[] data, int rows, int dims, ParallelOptions po) => data;

    /// <summary>Prepares one row in place (a query, a packed row, a centroid).</summary>
    public virtual void PrepareRow(Span<float> row) { }

    /// <summary>The reduced distance between two prepared rows.</summary>
    public abstract float Reduced(ReadOnlySpan<float> x, ReadOnlySpan<float> y);

    /// <summary>Turns one query's dot products with gallery rows into reduced distances, in place, clamped at 0
    /// against round-off; <paramref name="queryNorm"/> and <paramref name="galleryNorms"/> are squared lengths.</summary>
    public virtual void FromDots(Span<float> dots, float queryNorm, ReadOnlySpan<float> galleryNorms) =>
        throw new NotSupportedException($"{Metric} distances are not computed from dot products.");

    /// <summary>The distance itself, from a reduced one.</summary>
    public virtual float ToTrue(float reduced) => reduced;

    public static DistanceKernel For(DistanceMetric metric) => metric switch
    {
        DistanceMetric.Euclidean => new EuclideanKernel(squared: false),
        DistanceMetric.SquaredEuclidean => new EuclideanKernel(squared: true),
        DistanceMetric.Manhattan => new ManhattanKernel(),
        DistanceMetric.Cosine or DistanceMetric.Correlation => new AngularKernel(metric),
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
    };

    /// <summary>A distance given as code; it must be symmetric, non-negative and safe to call from several threads.</summary>
    public static DistanceKernel Custom(PairDistance distance) => new CustomKernel(distance);

    private sealed class EuclideanKernel(bool squared) : DistanceKernel
    {
        public override DistanceMetric? Metric => squared ? DistanceMetric.SquaredEuclidean : DistanceMetric.Euclidean;

        public override bool FromDotProducts => true;

        public override float Reduced(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => SumOfDifferences<Squared>(x, y);

        /// <summary>‖q‖² + ‖g‖² − 2 q·g; round-off can take it below zero between near-equal rows (the clamp also
        /// turns -0 into +0).</summary>
        public override void FromDots(Span<float> dots, float queryNorm, ReadOnlySpan<float> galleryNorms)
        {
            TensorPrimitives.MultiplyAdd(dots, -2f, galleryNorms, dots);
            TensorPrimitives.Add(dots, queryNorm, dots);
            TensorPrimitives.Max(dots, 0f, dots);
        }

        public override float ToTrue(float reduced) => squared ? reduced : MathF.Sqrt(reduced);
    }

    private sealed class ManhattanKernel : DistanceKernel
    {
        public override DistanceMetric? Metric => DistanceMetric.Manhattan;

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
    private sealed class AngularKernel(DistanceMetric metric) : DistanceKernel
    {
        public override DistanceMetric? Metric => metric;

        public override bool FromDotProducts => true;

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
            if (metric == DistanceMetric.Correlation)
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

        public override void FromDots(Span<float> dots, float queryNorm, ReadOnlySpan<float> galleryNorms)
        {
            TensorPrimitives.Subtract(1f, dots, dots);
            TensorPrimitives.Max(dots, 0f, dots);
        }

        public override float ToTrue(float reduced) => Math.Max(0f, reduced);
    }

    private sealed class CustomKernel(PairDistance distance) : DistanceKernel
    {
        public override DistanceMetric? Metric => null;

        public override float Reduced(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
        {
            float d = distance(x, y);
            if (!(d >= 0f) || float.IsPositiveInfinity(d))
                throw new InvalidOperationException(
                    $"The custom distance returned {d}: expected a finite, non-negative distance.");
            return d;
        }
    }
}

/// <summary>A distance given as code, pair by pair (UMAP's custom distance).</summary>
internal delegate float PairDistance(ReadOnlySpan<float> x, ReadOnlySpan<float> y);
