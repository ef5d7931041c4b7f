using System.Numerics.Tensors;
using MlNetTriplet.Neighbors;

namespace MlNetTriplet.Evaluation;

/// <summary>Lloyd's k-means with k-means++ seeding (Arthur and Vassilvitskii), several seeded restarts keeping the
/// lowest inertia, as pytorch-metric-learning clusters embeddings for NMI. Deterministic for a seed whatever the
/// thread count: the parallel steps work per row, sums run in row order.</summary>
internal static class KMeans
{
    /// <summary>Cluster of each row (0 .. <paramref name="k"/> − 1).</summary>
    /// <param name="rows">Rows to cluster (squared euclidean distances; cosine rows are already unit length).</param>
    /// <param name="k">Clusters, 1 .. rows.</param>
    /// <param name="seed">Seeds the k-means++ draws.</param>
    /// <param name="restarts">Independent runs; the one with the lowest inertia wins (the first on a tie).</param>
    /// <param name="maxIterations">Lloyd iterations per run at most; a run stops earlier when no row changes cluster.</param>
    /// <param name="po">Parallelism.</param>
    public static int[] Cluster(PackedRows rows, int k, int seed, int restarts, int maxIterations, ParallelOptions po)
    {
        var random = new Random(seed);
        int[]? best = null;
        double bestInertia = double.PositiveInfinity;
        for (int r = 0; r < restarts; r++)
        {
            var (assignment, inertia) = Run(rows, k, random, maxIterations, po);
            if (inertia < bestInertia || best is null)
                (best, bestInertia) = (assignment, inertia);
        }
        return best!;
    }

    private static (int[] Assignment, double Inertia) Run(PackedRows rows, int k, Random random, int maxIterations,
        ParallelOptions po)
    {
        int n = rows.Rows, stride = rows.Stride;
        var centroids = SeedPlusPlus(rows, k, random, po);
        var assignment = new int[n];
        var nearest = new float[n];
        var sums = new float[k * stride];
        var counts = new int[k];
        Array.Fill(assignment, -1);
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            int changed = Assign(rows, centroids, k, assignment, nearest, po);
            if (changed == 0)
                break;
            Array.Clear(sums);
            Array.Clear(counts);
            for (int i = 0; i < n; i++)
            {
                var sum = sums.AsSpan(assignment[i] * stride, stride);
                TensorPrimitives.Add(sum, rows.Row(i), sum);
                counts[assignment[i]]++;
            }
            for (int c = 0; c < k; c++)
            {
                var centroid = centroids.AsSpan(c * stride, stride);
                if (counts[c] > 0)
                {
                    TensorPrimitives.Divide(sums.AsSpan(c * stride, stride), counts[c], centroid);
                    continue;
                }
                // An empty cluster restarts at the row farthest from its centroid (lowest index on a tie), which
                // then leaves its cluster: the usual repair, and deterministic.
                int far = 0;
                for (int i = 1; i < n; i++)
                    if (nearest[i] > nearest[far]) far = i;
                rows.Row(far).CopyTo(centroid);
                nearest[far] = 0f;
            }
        }
        Assign(rows, centroids, k, assignment, nearest, po);
        double inertia = 0;
        for (int i = 0; i < n; i++)
            inertia += nearest[i];
        return (assignment, inertia);
    }

    /// <summary>Nearest centroid of every row (lowest centroid index on a tie); returns how many rows changed.</summary>
    private static int Assign(PackedRows rows, float[] centroids, int k, int[] assignment, float[] nearest,
        ParallelOptions po)
    {
        // Centroid rows already have the rows' stride; packing adds the tile padding and the norms.
        var packed = PackedRows.Pack(centroids, k, rows.Stride, prepare: null, po);
        int ld = packed.PaddedRows, chunk = 256;
        int changed = 0;
        Parallel.For(0, (rows.PaddedRows + chunk - 1) / chunk, po, () => (Dots: new float[chunk * ld], Changed: 0), (b, _, local) =>
        {
            int start = b * chunk, count = Math.Min(chunk, rows.PaddedRows - start);
            DotKernel.Block(rows, start, count, packed, 0, ld, local.Dots, ld);
            for (int i = start; i < start + count && i < rows.Rows; i++)
            {
                int best = 0;
                float bestDistance = float.PositiveInfinity;
                for (int c = 0; c < k; c++)
                {
                    float d = Math.Max(0f, rows.SquaredNorms[i] + packed.SquaredNorms[c] - 2f * local.Dots[(i - start) * ld + c]);
                    if (d < bestDistance)
                        (best, bestDistance) = (c, d);
                }
                nearest[i] = bestDistance;
                if (assignment[i] != best)
                {
                    assignment[i] = best;
                    local.Changed++;
                }
            }
            return local;
        }, local => Interlocked.Add(ref changed, local.Changed));
        return changed;
    }

    /// <summary>k-means++: the first centre uniformly at random, each next one a row drawn with probability
    /// proportional to its squared distance to the nearest centre so far.</summary>
    private static float[] SeedPlusPlus(PackedRows rows, int k, Random random, ParallelOptions po)
    {
        int n = rows.Rows, stride = rows.Stride;
        var centroids = new float[k * stride];
        var nearest = new float[n];
        Array.Fill(nearest, float.PositiveInfinity);
        int chosen = random.Next(n);
        for (int c = 0; c < k; c++)
        {
            int offset = c * stride, centre = chosen;
            rows.Row(centre).CopyTo(centroids.AsSpan(offset, stride));
            Parallel.For(0, n, po, i =>
            {
                float d = Math.Max(0f, rows.SquaredNorms[i] + rows.SquaredNorms[centre]
                    - 2f * TensorPrimitives.Dot(rows.Row(i), centroids.AsSpan(offset, stride)));
                if (d < nearest[i]) nearest[i] = d;
            });
            if (c == k - 1)
                break;
            double total = 0;
            foreach (float d in nearest) total += d;
            if (total <= 0)
            {
                // Every row coincides with a centre already: any row will do.
                chosen = (chosen + 1) % n;
                continue;
            }
            double target = random.NextDouble() * total, cumulative = 0;
            chosen = n - 1;
            for (int i = 0; i < n; i++)
            {
                cumulative += nearest[i];
                if (cumulative > target && nearest[i] > 0)
                {
                    chosen = i;
                    break;
                }
            }
        }
        return centroids;
    }
}
