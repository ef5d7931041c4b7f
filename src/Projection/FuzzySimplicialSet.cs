namespace MlNetTriplet.Projection;

/// <summary>A sparse weighted graph in CSR form (rows ascending, columns ascending within a row).</summary>
internal sealed record SparseGraph(int Rows, int[] RowStart, int[] Columns, float[] Weights)
{
    public int EdgeCount => Columns.Length;

    public float MaxWeight()
    {
        float max = 0f;
        foreach (float w in Weights) max = Math.Max(max, w);
        return max;
    }

    /// <summary>The graph without edges below <paramref name="threshold"/> (umap-learn drops edges lighter than
    /// max / n_epochs: they would not be sampled once in the whole optimisation).</summary>
    public SparseGraph Prune(float threshold)
    {
        var start = new int[Rows + 1];
        int kept = 0;
        foreach (float w in Weights) if (w >= threshold) kept++;
        var cols = new int[kept];
        var weights = new float[kept];
        int n = 0;
        for (int i = 0; i < Rows; i++)
        {
            start[i] = n;
            for (int e = RowStart[i]; e < RowStart[i + 1]; e++)
                if (Weights[e] >= threshold) { cols[n] = Columns[e]; weights[n++] = Weights[e]; }
        }
        start[Rows] = n;
        return new SparseGraph(Rows, start, cols, weights);
    }
}

/// <summary>The fuzzy simplicial set of umap-learn: per-point smooth-kNN normalisation (rho, sigma), membership
/// strengths and the fuzzy union (or blend with intersection) that symmetrises them.</summary>
internal static class FuzzySimplicialSet
{
    private const double Tolerance = 1e-5;      // umap-learn's SMOOTH_K_TOLERANCE
    private const double MinScale = 1e-3;       // umap-learn's MIN_K_DIST_SCALE

    /// <summary>umap-learn's <c>smooth_knn_dist</c>: for each row of <paramref name="k"/> ascending distances, rho is
    /// the distance to the local_connectivity-th nearest non-zero neighbour (interpolated), and sigma is found by
    /// binary search so that sum over columns 1..k-1 of exp(-max(0, d - rho) / sigma) equals log2(k). (Column 0 is
    /// the point itself in a fit; umap-learn skips it in transform() queries too, and so do we.) When rho is 0, sigma
    /// is at least 1e-3 times the mean of all distances, or of <paramref name="meanOverride"/> when given.</summary>
    public static void SmoothKnn(float[] distances, int rows, int k, float localConnectivity, float[] sigmas,
        float[] rhos, ParallelOptions po, double bandwidth = 1.0, double? meanOverride = null)
    {
        double target = Math.Log2(k) * bandwidth;
        double meanAll = 0;
        if (meanOverride is { } fixedMean)
            meanAll = fixedMean;
        else
        {
            foreach (float d in distances) meanAll += d;
            meanAll /= distances.Length;
        }
        Parallel.For(0, rows, po, i =>
        {
            var (sigma, rho) = SmoothRow(distances.AsSpan(i * k, k), localConnectivity, target, meanAll);
            sigmas[i] = sigma;
            rhos[i] = rho;
        });
    }

    /// <summary>sigma and rho of one row of ascending distances (see <see cref="SmoothKnn"/>); log2(k) * bandwidth
    /// is <paramref name="target"/>.</summary>
    public static (float Sigma, float Rho) SmoothRow(ReadOnlySpan<float> row, float localConnectivity, double target,
        double meanAll)
    {
        int k = row.Length;
        int firstNonZero = 0;
        while (firstNonZero < k && !(row[firstNonZero] > 0f)) firstNonZero++;
        int nonZero = k - firstNonZero;
        double rho = 0;
        if (nonZero >= localConnectivity)
        {
            int index = (int)Math.Floor(localConnectivity);
            double interpolation = localConnectivity - index;
            if (index > 0)
            {
                rho = row[firstNonZero + index - 1];
                if (interpolation > Tolerance)
                    rho += interpolation * (row[firstNonZero + index] - row[firstNonZero + index - 1]);
            }
            else
                rho = interpolation * row[firstNonZero];
        }
        else if (nonZero > 0)
            rho = row[k - 1];

        double lo = 0, hi = double.PositiveInfinity, mid = 1;
        for (int n = 0; n < 64; n++)
        {
            double psum = 0;
            for (int j = 1; j < k; j++)
            {
                double d = row[j] - rho;
                psum += d > 0 ? Math.Exp(-d / mid) : 1.0;
            }
            if (Math.Abs(psum - target) < Tolerance) break;
            if (psum > target)
            {
                hi = mid;
                mid = (lo + hi) / 2;
            }
            else
            {
                lo = mid;
                mid = double.IsPositiveInfinity(hi) ? mid * 2 : (lo + hi) / 2;
            }
        }
        if (rho > 0)
        {
            double meanRow = 0;
            foreach (float d in row) meanRow += d;
            meanRow /= k;
            mid = Math.Max(mid, MinScale * meanRow);
        }
        else
            mid = Math.Max(mid, MinScale * meanAll);
        return ((float)mid, (float)rho);
    }

    /// <summary>Membership strength of one neighbour: 1 within rho, exp(-(d - rho) / sigma) beyond.</summary>
    public static float Membership(float distance, float rho, float sigma) =>
        distance - rho <= 0f || sigma == 0f ? 1f : MathF.Exp(-(distance - rho) / sigma);

    /// <summary>umap-learn's <c>fuzzy_simplicial_set</c> for a fit's graph: memberships P (self gets 0), then
    /// mix * (P + Pᵀ - P∘Pᵀ) + (1 - mix) * P∘Pᵀ, zeros dropped.</summary>
    public static SparseGraph Build(KnnGraph knn, float localConnectivity, float setOpMixRatio, ParallelOptions po,
        out float[] sigmas, out float[] rhos)
    {
        int rows = knn.Rows, k = knn.K;
        sigmas = new float[rows];
        rhos = new float[rows];
        SmoothKnn(knn.Distances, rows, k, localConnectivity, sigmas, rhos, po);

        // P in CSR, each row sorted by column, zeros dropped.
        var pStart = new int[rows + 1];
        var pCols = new int[rows * k];
        var pVals = new float[rows * k];
        var rowCount = new int[rows];
        var s = sigmas;
        var r = rhos;
        Parallel.For(0, rows, po, i =>
        {
            int n = 0, b = i * k;
            for (int j = 0; j < k; j++)
            {
                int c = knn.Indices[i * k + j];
                if (c == i) continue;
                float v = Membership(knn.Distances[i * k + j], r[i], s[i]);
                if (!(v > 0f)) continue;
                // Insertion by column: k is small.
                int t = n++;
                while (t > 0 && pCols[b + t - 1] > c) { pCols[b + t] = pCols[b + t - 1]; pVals[b + t] = pVals[b + t - 1]; t--; }
                pCols[b + t] = c;
                pVals[b + t] = v;
            }
            rowCount[i] = n;
        });

        // Pᵀ by counting sort: filling rows in ascending i keeps each transposed row sorted.
        var tStart = new int[rows + 1];
        for (int i = 0; i < rows; i++)
            for (int e = i * k; e < i * k + rowCount[i]; e++) tStart[pCols[e] + 1]++;
        for (int i = 0; i < rows; i++) tStart[i + 1] += tStart[i];
        var tCols = new int[tStart[rows]];
        var tVals = new float[tStart[rows]];
        var fill = tStart[..rows];
        for (int i = 0; i < rows; i++)
            for (int e = i * k; e < i * k + rowCount[i]; e++)
            {
                int at = fill[pCols[e]]++;
                tCols[at] = i;
                tVals[at] = pVals[e];
            }

        // Merge P and Pᵀ row by row.
        var start = new int[rows + 1];
        var cols = new List<int>(2 * rows * k);
        var weights = new List<float>(2 * rows * k);
        float mix = setOpMixRatio;
        for (int i = 0; i < rows; i++)
        {
            start[i] = cols.Count;
            int a = i * k, aEnd = a + rowCount[i], t = tStart[i], tEnd = tStart[i + 1];
            while (a < aEnd || t < tEnd)
            {
                int c;
                float p = 0f, q = 0f;
                if (t >= tEnd || (a < aEnd && pCols[a] < tCols[t])) { c = pCols[a]; p = pVals[a++]; }
                else if (a >= aEnd || tCols[t] < pCols[a]) { c = tCols[t]; q = tVals[t++]; }
                else { c = pCols[a]; p = pVals[a++]; q = tVals[t++]; }
                float product = p * q;
                float w = mix * (p + q - product) + (1f - mix) * product;
                if (w > 0f) { cols.Add(c); weights.Add(w); }
            }
        }
        start[rows] = cols.Count;
        return new SparseGraph(rows, start, [.. cols], [.. weights]);
    }
}
