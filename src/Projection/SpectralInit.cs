using MlNetTriplet.Neighbors;

namespace MlNetTriplet.Projection;

/// <summary>Spectral initialisation (umap-learn's <c>spectral_layout</c>): the eigenvectors of the normalised graph
/// Laplacian L = I - D^-1/2 W D^-1/2 with the smallest non-trivial eigenvalues.</summary>
/// <remarks>
/// Solver: thick-restart Lanczos with full re-orthogonalisation on A = (I + D^-1/2 W D^-1/2) / 2, whose spectrum is
/// in [0, 1] and whose largest eigenvalues are L's smallest; the trivial eigenvector D^1/2 1 (eigenvalue 1) is
/// projected out of every vector, so the wanted pairs are simply A's top ones. Every reduction is either sequential
/// or split into independent dot products, so the result does not depend on the thread count.
/// Fallback (the caller then starts from uniform random positions in [-10, 10], umap-learn's init="random"): Lanczos
/// does not reach a residual of 1e-2 within its restarts. Between 1e-4 (umap-learn's eigsh tolerance) and 1e-2 the
/// approximate vectors are used: they are a fine starting layout. A disconnected graph is laid out component by
/// component (<see cref="ComponentLayout"/>), each with this solver.
/// </remarks>
internal static class SpectralInit
{
    /// <summary>The rows x dim layout of a connected graph, or null with the reason in <paramref name="failure"/>.</summary>
    public static double[]? Compute(SparseGraph graph, int dim, int seed, ParallelOptions po, out string? failure,
        int basisSize = 96, int maxRestarts = 60, double tolerance = 1e-4)
    {
        int n = graph.Rows;
        failure = null;
        if (n <= dim + 2) { failure = $"only {n} rows"; return null; }

        var invSqrt = new double[n];
        var v0 = new double[n];
        for (int i = 0; i < n; i++)
        {
            double d = 0;
            for (int e = graph.RowStart[i]; e < graph.RowStart[i + 1]; e++) d += graph.Weights[e];
            invSqrt[i] = 1 / Math.Sqrt(d);
            v0[i] = Math.Sqrt(d);
        }
        Scale(v0, 1 / Norm(v0));

        void Apply(double[] x, double[] y)
        {
            Parallel.For(0, (n + 1023) / 1024, po, blk =>
            {
                for (int i = blk * 1024, end = Math.Min(n, i + 1024); i < end; i++)
                {
                    double s = 0;
                    for (int e = graph.RowStart[i]; e < graph.RowStart[i + 1]; e++)
                        s += graph.Weights[e] * invSqrt[graph.Columns[e]] * x[graph.Columns[e]];
                    y[i] = 0.5 * (x[i] + invSqrt[i] * s);
                }
            });
            Axpy(-Dot(v0, y), v0, y);
        }

        int m = Math.Min(basisSize, n - 2);
        int keep = Math.Min(m - 1, Math.Max(dim + 8, m / 2));
        var basis = new double[m + 1][];
        for (int i = 0; i <= m; i++) basis[i] = new double[n];
        var rng = RandomStream.For(seed, StreamPurpose.Lanczos);
        for (int i = 0; i < n; i++) basis[0][i] = 1 + 0.1 * rng.NextGaussian();
        Axpy(-Dot(v0, basis[0]), v0, basis[0]);
        Scale(basis[0], 1 / Norm(basis[0]));

        var t = new double[m, m];
        var h = new double[m + 1];
        var h2 = new double[m + 1];
        int start = 0;
        double residualNorm = 0, worst = double.PositiveInfinity;
        double[] theta = [];
        double[,] s = new double[0, 0];
        int size = m;
        for (int restart = 0; restart <= maxRestarts; restart++)
        {
            size = m;
            for (int j = start; j < m; j++)
            {
                var w = basis[j + 1];
                Apply(basis[j], w);
                Orthogonalise(basis, j + 1, w, h, po);
                Orthogonalise(basis, j + 1, w, h2, po);
                for (int i = 0; i <= j; i++)
                {
                    double value = h[i] + h2[i];
                    if (i < start) continue;   // coupling with kept Ritz vectors: set at the restart
                    t[i, j] = value;
                    t[j, i] = value;
                }
                residualNorm = Norm(w);
                if (residualNorm < 1e-12) { size = j + 1; residualNorm = 0; break; }
                Scale(w, 1 / residualNorm);
            }

            var small = new double[size, size];
            for (int i = 0; i < size; i++)
                for (int j = 0; j < size; j++) small[i, j] = t[i, j];
            (theta, s) = SymmetricEigen.Decompose(small, size);   // descending eigenvalues
            worst = 0;
            for (int c = 0; c < dim; c++) worst = Math.Max(worst, residualNorm * Math.Abs(s[size - 1, c]));
            if (worst <= tolerance || residualNorm == 0 || restart == maxRestarts) break;

            // Thick restart: keep the best Ritz vectors, continue from the residual direction.
            int p = Math.Min(keep, size - 1);
            var ritz = RitzVectors(basis, s, size, p, n, po);
            for (int c = 0; c < p; c++) ritz[c].CopyTo(basis[c], 0);
            basis[size].CopyTo(basis[p], 0);
            Array.Clear(t);
            for (int c = 0; c < p; c++)
            {
                t[c, c] = theta[c];
                t[c, p] = t[p, c] = residualNorm * s[size - 1, c];
            }
            start = p;
        }
        if (worst > 1e-2)
        {
            failure = $"Lanczos did not converge (residual {worst:g3})";
            return null;
        }
        var vectors = RitzVectors(basis, s, size, dim, n, po);
        var layout = new double[n * dim];
        for (int c = 0; c < dim; c++)
            for (int i = 0; i < n; i++) layout[i * dim + c] = vectors[c][i];
        return layout;
    }

    /// <summary>Two passes of classical Gram-Schmidt against the first <paramref name="count"/> basis vectors
    /// ("twice is enough"); each coefficient is an independent dot product, each element of w an ordered sum.</summary>
    private static void Orthogonalise(double[][] basis, int count, double[] w, double[] h, ParallelOptions po)
    {
        Parallel.For(0, count, po, i => h[i] = Dot(basis[i], w));
        int n = w.Length;
        Parallel.For(0, (n + 1023) / 1024, po, blk =>
        {
            for (int r = blk * 1024, end = Math.Min(n, r + 1024); r < end; r++)
            {
                double sum = 0;
                for (int i = 0; i < count; i++) sum += basis[i][r] * h[i];
                w[r] -= sum;
            }
        });
    }

    private static double[][] RitzVectors(double[][] basis, double[,] s, int size, int count, int n, ParallelOptions po)
    {
        var result = new double[count][];
        for (int c = 0; c < count; c++) result[c] = new double[n];
        Parallel.For(0, (n + 1023) / 1024, po, blk =>
        {
            for (int r = blk * 1024, end = Math.Min(n, r + 1024); r < end; r++)
                for (int c = 0; c < count; c++)
                {
                    double sum = 0;
                    for (int i = 0; i < size; i++) sum += basis[i][r] * s[i, c];
                    result[c][r] = sum;
                }
        });
        return result;
    }

    /// <summary>Connected components (union-find): their count, and each vertex's component in
    /// <paramref name="labels"/>, numbered 0, 1, ... in the order of their first vertex.</summary>
    internal static int ConnectedComponents(SparseGraph graph, out int[] labels)
    {
        var parent = new int[graph.Rows];
        for (int i = 0; i < parent.Length; i++) parent[i] = i;
        int Find(int x)
        {
            while (parent[x] != x) x = parent[x] = parent[parent[x]];
            return x;
        }
        for (int i = 0; i < graph.Rows; i++)
            for (int e = graph.RowStart[i]; e < graph.RowStart[i + 1]; e++)
            {
                int a = Find(i), b = Find(graph.Columns[e]);
                if (a != b) parent[Math.Max(a, b)] = Math.Min(a, b);
            }
        // Every root is the smallest vertex of its component, so roots come in the order of first vertices.
        labels = new int[graph.Rows];
        int count = 0;
        for (int i = 0; i < graph.Rows; i++)
            labels[i] = Find(i) == i ? count++ : labels[Find(i)];
        return count;
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static double Norm(double[] a) => Math.Sqrt(Dot(a, a));

    private static void Scale(double[] a, double f)
    {
        for (int i = 0; i < a.Length; i++) a[i] *= f;
    }

    private static void Axpy(double f, double[] x, double[] y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += f * x[i];
    }
}

/// <summary>Eigen-decomposition of a small dense symmetric matrix by cyclic Jacobi rotations.</summary>
internal static class SymmetricEigen
{
    /// <summary>Eigenvalues in descending order and the matching eigenvectors as columns.</summary>
    public static (double[] Values, double[,] Vectors) Decompose(double[,] matrix, int n)
    {
        var a = (double[,])matrix.Clone();
        var v = new double[n, n];
        for (int i = 0; i < n; i++) v[i, i] = 1;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, diag = 0;
            for (int p = 0; p < n; p++)
            {
                diag += a[p, p] * a[p, p];
                for (int q = p + 1; q < n; q++) off += a[p, q] * a[p, q];
            }
            if (off <= 1e-30 * Math.Max(diag, 1e-300)) break;
            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[p, q];
                    if (Math.Abs(apq) < 1e-300) continue;
                    double theta = (a[q, q] - a[p, p]) / (2 * apq);
                    double tan = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(tan * tan + 1), s = tan * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k, p], akq = a[k, q];
                        a[k, p] = c * akp - s * akq;
                        a[k, q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p, k], aqk = a[q, k];
                        a[p, k] = c * apk - s * aqk;
                        a[q, k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double vkp = v[k, p], vkq = v[k, q];
                        v[k, p] = c * vkp - s * vkq;
                        v[k, q] = s * vkp + c * vkq;
                    }
                }
        }
        var order = Enumerable.Range(0, n).OrderByDescending(i => a[i, i]).ThenBy(i => i).ToArray();
        var values = new double[n];
        var vectors = new double[n, n];
        for (int c = 0; c < n; c++)
        {
            values[c] = a[order[c], order[c]];
            for (int r = 0; r < n; r++) vectors[r, c] = v[r, order[c]];
        }
        return (values, vectors);
    }
}
