using MlNetTriplet.Neighbors;

namespace MlNetTriplet.Projection;

/// <summary>The starting layout of a disconnected graph, as umap-learn's <c>multi_component_layout</c> builds it: the
/// components get anchor points (<c>component_layout</c>), and each component is laid out spectrally on its own, scaled
/// to half the distance from its anchor to the nearest other anchor, so the components start apart and each keeps
/// its shape.</summary>
/// <remarks>
/// Anchors: up to 2 x dim components sit at ± the unit vectors (e1, e2, ..., -e1, -e2, ...). More components are
/// placed by a spectral embedding of their centroids (affinity exp(-d²) under the fit's metric; the eigenvectors of
/// the normalised Laplacian after the trivial one, divided by the square root of the degree and sign-fixed, as
/// scikit-learn's <c>SpectralEmbedding</c>), then divided by their maximum. Centroids are means of the prepared rows
/// (unit length for cosine and correlation) rather than of the raw rows; where exp(-d²) would underflow to 0 and
/// leave a component without affinity, distances are divided by their median first. Beyond
/// <see cref="MaxSpectralAnchors"/> components the dense eigenproblem would take seconds (Jacobi, cubic), and the
/// anchors are uniform random in [0, 10]^dim, umap-learn's own choice when it has no data. A component too small for
/// a spectral layout (fewer than 2 x dim vertices), or whose Lanczos solve does not converge, starts uniform random
/// within its half-distance, as in umap-learn.
/// </remarks>
internal static class ComponentLayout
{
    private const int MaxSpectralAnchors = 128;

    /// <summary>The rows x dim layout of <paramref name="graph"/>, whose vertices belong to
    /// <paramref name="count"/> components (<paramref name="labels"/>); <paramref name="data"/> are the prepared rows
    /// (rows x <paramref name="dims"/>) the graph was built from.</summary>
    public static double[] Compute(SparseGraph graph, int[] labels, int count, float[] data, int dims,
        DistanceKernel metric, int dim, int seed, ParallelOptions po)
    {
        int n = graph.Rows;
        var anchors = count > 2 * dim ? Anchors(labels, count, data, dims, metric, dim, seed) : UnitAnchors(count, dim);

        // Vertices grouped by component, ascending within each; local index = position in the group.
        var start = new int[count + 1];
        foreach (int c in labels) start[c + 1]++;
        for (int c = 0; c < count; c++) start[c + 1] += start[c];
        var members = new int[n];
        var local = new int[n];
        var fill = (int[])start.Clone();
        for (int i = 0; i < n; i++)
        {
            local[i] = fill[labels[i]] - start[labels[i]];
            members[fill[labels[i]]++] = i;
        }

        var layout = new double[n * dim];
        for (int c = 0; c < count; c++)
        {
            var vertices = members.AsSpan(start[c], start[c + 1] - start[c]);
            double range = HalfDistanceToNearest(anchors, count, dim, c);
            double[]? spectral = null;
            if (vertices.Length >= 2 * dim && vertices.Length > dim + 1)
                spectral = SpectralInit.Compute(Subgraph(graph, vertices, local), dim, seed, po, out _);
            if (spectral is not null)
            {
                double maxAbs = 0;
                foreach (double v in spectral) maxAbs = Math.Max(maxAbs, Math.Abs(v));
                double scale = maxAbs > 0 ? range / maxAbs : 0;
                for (int v = 0; v < vertices.Length; v++)
                    for (int d = 0; d < dim; d++)
                        layout[vertices[v] * dim + d] = spectral[v * dim + d] * scale + anchors[c * dim + d];
            }
            else
            {
                var rng = RandomStream.For(seed, StreamPurpose.Components, c);
                foreach (int v in vertices)
                    for (int d = 0; d < dim; d++)
                        layout[v * dim + d] = (rng.NextDouble() * 2 - 1) * range + anchors[c * dim + d];
            }
        }
        return layout;
    }

    /// <summary>umap-learn's anchors for at most 2 x dim components: e1, ..., ek, -e1, ..., -ek with k = ceil(count / 2).</summary>
    private static double[] UnitAnchors(int count, int dim)
    {
        int k = (count + 1) / 2;
        var anchors = new double[count * dim];
        for (int c = 0; c < count; c++)
            anchors[c * dim + c % k] = c < k ? 1 : -1;
        return anchors;
    }

    /// <summary>umap-learn's <c>component_layout</c>: a spectral embedding of the components' centroids.</summary>
    private static double[] Anchors(int[] labels, int count, float[] data, int dims, DistanceKernel metric, int dim, int seed)
    {
        var anchors = new double[count * dim];
        if (count > MaxSpectralAnchors)
        {
            var rng = RandomStream.For(seed, StreamPurpose.Components, -1);
            for (int i = 0; i < anchors.Length; i++) anchors[i] = rng.NextDouble() * 10;
            return anchors;
        }
        var sums = new double[count * dims];
        var sizes = new int[count];
        for (int i = 0; i < labels.Length; i++)
        {
            sizes[labels[i]]++;
            for (int f = 0; f < dims; f++) sums[labels[i] * dims + f] += data[i * dims + f];
        }
        var centroids = new float[count * dims];
        for (int c = 0; c < count; c++)
        {
            for (int f = 0; f < dims; f++) centroids[c * dims + f] = (float)(sums[c * dims + f] / sizes[c]);
            metric.PrepareRow(centroids.AsSpan(c * dims, dims));
        }

        var distance = new double[count, count];
        var positive = new List<double>();
        for (int p = 0; p < count; p++)
            for (int q = p + 1; q < count; q++)
            {
                distance[p, q] = distance[q, p] =
                    metric.ToTrue(metric.Reduced(centroids.AsSpan(p * dims, dims), centroids.AsSpan(q * dims, dims)));
                if (distance[p, q] > 0) positive.Add(distance[p, q]);
            }
        // umap-learn's affinity exp(-d²) underflows to 0 for centroids more than ~27 apart (raw pixels, say), which
        // leaves a component with no affinity at all; then distances are measured in units of their median.
        var (affinity, degree) = Affinity(distance, count, 1);
        if (degree.Min() < 1e-250 && positive.Count > 0)
            (affinity, degree) = Affinity(distance, count, positive.Order().ElementAt(positive.Count / 2));
        var (_, vectors) = SymmetricEigen.Decompose(affinity, count);

        double max = double.NegativeInfinity;
        for (int d = 0; d < dim; d++)
        {
            // Skip the trivial vector; scale by 1 / sqrt(degree); the largest entry positive (scikit-learn's sign flip).
            int largest = 0;
            for (int c = 0; c < count; c++)
                if (Math.Abs(vectors[c, d + 1]) > Math.Abs(vectors[largest, d + 1])) largest = c;
            double sign = vectors[largest, d + 1] < 0 ? -1 : 1;
            for (int c = 0; c < count; c++)
            {
                anchors[c * dim + d] = sign * vectors[c, d + 1] / Math.Sqrt(Math.Max(degree[c], 1e-300));
                max = Math.Max(max, anchors[c * dim + d]);
            }
        }
        if (max > 0)
            for (int i = 0; i < anchors.Length; i++) anchors[i] /= max;
        return anchors;
    }

    /// <summary>The normalised affinity D^-1/2 W D^-1/2 with W = exp(-(d / unit)²) off the diagonal (zero diagonal,
    /// as scipy's laplacian), whose largest eigenvalues are the normalised Laplacian's smallest; and the degrees.</summary>
    private static (double[,] Affinity, double[] Degree) Affinity(double[,] distance, int count, double unit)
    {
        var affinity = new double[count, count];
        var degree = new double[count];
        for (int p = 0; p < count; p++)
            for (int q = 0; q < count; q++)
                if (p != q)
                {
                    double d = distance[p, q] / unit;
                    degree[p] += affinity[p, q] = Math.Exp(-d * d);
                }
        for (int p = 0; p < count; p++)
            for (int q = 0; q < count; q++)
                if (affinity[p, q] > 0) affinity[p, q] /= Math.Sqrt(degree[p]) * Math.Sqrt(degree[q]);
        return (affinity, degree);
    }

    /// <summary>Half the distance from anchor <paramref name="c"/> to the nearest other anchor (1 when all coincide).</summary>
    private static double HalfDistanceToNearest(double[] anchors, int count, int dim, int c)
    {
        double nearest = double.PositiveInfinity;
        for (int o = 0; o < count; o++)
        {
            double d2 = 0;
            for (int d = 0; d < dim; d++)
            {
                double diff = anchors[c * dim + d] - anchors[o * dim + d];
                d2 += diff * diff;
            }
            if (d2 > 0) nearest = Math.Min(nearest, Math.Sqrt(d2));
        }
        return double.IsPositiveInfinity(nearest) ? 1 : nearest / 2;
    }

    /// <summary>The component's own graph, its vertices renumbered by <paramref name="local"/>.</summary>
    private static SparseGraph Subgraph(SparseGraph graph, ReadOnlySpan<int> vertices, int[] local)
    {
        var rowStart = new int[vertices.Length + 1];
        for (int v = 0; v < vertices.Length; v++)
            rowStart[v + 1] = rowStart[v] + graph.RowStart[vertices[v] + 1] - graph.RowStart[vertices[v]];
        var columns = new int[rowStart[^1]];
        var weights = new float[rowStart[^1]];
        for (int v = 0; v < vertices.Length; v++)
            for (int e = graph.RowStart[vertices[v]], o = rowStart[v]; e < graph.RowStart[vertices[v] + 1]; e++, o++)
            {
                columns[o] = local[graph.Columns[e]];
                weights[o] = graph.Weights[e];
            }
        return new SparseGraph(vertices.Length, rowStart, columns, weights);
    }
}
