using MlNetTriplet.Neighbors;

namespace MlNetTriplet.Projection;

/// <summary>A fitted UMAP projection: the training embedding and what transform() needs (the prepared training rows,
/// their neighbour index above <see cref="KnnGraph.ExactThreshold"/> rows, a, b and the layout settings).
/// Plain C#: the ML.NET estimator/transformer wraps it.</summary>
internal sealed class UmapModel
{
    /// <summary>Version of the binary format written by <see cref="Write"/>.</summary>
    public const int FormatVersion = 1;
    private const string Magic = "MlNetTriplet.UmapModel";

    private readonly float[] _data;          // prepared training rows (normalised for cosine / correlation)
    private readonly DistanceKernel _metric;
    private readonly NNDescent? _index;      // null: transform() searches exactly
    private readonly Lazy<Dictionary<ulong, int>> _trainingRows;
    private PackedRows? _packed;             // the training rows as the exact search reads them, packed on first use

    private UmapModel(int rows, int dims, int components, int neighborCount, float a, float b, int seed,
        float localConnectivity, float learningRate, float repulsion, int negativeRate, int transformEpochs,
        float meanDistance, string initialization, float[] embedding, float[] data, DistanceKernel metric, NNDescent? index)
    {
        (Rows, Dims, Components, NeighborCount, A, B, Seed) = (rows, dims, components, neighborCount, a, b, seed);
        (LocalConnectivity, LearningRate, RepulsionStrength, NegativeSampleRate) = (localConnectivity, learningRate, repulsion, negativeRate);
        (TransformEpochs, MeanDistance, Initialization, Embedding) = (transformEpochs, meanDistance, initialization, embedding);
        (_data, _metric, _index) = (data, metric, index);
        _trainingRows = new Lazy<Dictionary<ulong, int>>(IndexTrainingRows);
    }

    public int Rows { get; }
    public int Dims { get; }
    public int Components { get; }
    public int NeighborCount { get; }
    public float A { get; }
    public float B { get; }
    /// <summary>The seed used (drawn when the options had none), so transform() is reproducible too.</summary>
    public int Seed { get; }
    public float LocalConnectivity { get; }
    public float LearningRate { get; }
    public float RepulsionStrength { get; }
    public int NegativeSampleRate { get; }
    public int TransformEpochs { get; }
    /// <summary>Mean distance to the training rows' neighbours: the floor of sigma in transform() (umap-learn uses the
    /// mean over the batch, which would make a point's result depend on its batch).</summary>
    public float MeanDistance { get; }
    /// <summary>"spectral", "spectral, N components laid out apart" for a disconnected graph, or "random (reason)" when
    /// spectral initialisation fell back.</summary>
    public string Initialization { get; }
    /// <summary>True when fitted with <see cref="UmapOptions.CustomDistance"/>: reading it back needs that distance.</summary>
    public bool HasCustomDistance => _metric.Metric is null;
    /// <summary>The training embedding, <see cref="Rows"/> x <see cref="Components"/>, row-major.</summary>
    public float[] Embedding { get; }

    /// <summary>Fits UMAP to <paramref name="rows"/> x <paramref name="dims"/> row-major values. For euclidean and
    /// manhattan the model keeps a reference to <paramref name="data"/> (no copy): do not modify it afterwards.</summary>
    public static UmapModel Fit(float[] data, int rows, int dims, UmapOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int k = options.NeighborCount;
        if (rows < k + 1)
            throw new ArgumentException(
                $"UMAP needs more rows than NeighborCount: got {rows} rows for NeighborCount {k}; expected at least {k + 1}.",
                nameof(rows));
        ValidateRows(data, rows, dims, nameof(data));

        var po = options.ParallelOptions;
        int seed = options.Seed ?? Random.Shared.Next();
        var metric = UmapMetrics.Kernel(options);
        var prepared = metric.Prepare(data, rows, dims, po);

        var knn = KnnGraph.ForFit(prepared, rows, dims, k, metric, seed, po, out var index);
        double mean = 0;
        foreach (float d in knn.Distances) mean += d;
        mean /= knn.Distances.Length;
        var graph = FuzzySimplicialSet.Build(knn, options.LocalConnectivity, options.SetOpMixRatio, po, out _, out _);
        int epochs = options.ResolveEpochs(rows);
        // umap-learn prunes by the default epoch count when asked for 10 epochs or fewer, which would drop nearly
        // every edge (and cut the graph into pieces).
        graph = graph.Prune(graph.MaxWeight() / (epochs > 10 ? epochs : UmapOptions.DefaultEpochs(rows)));
        var (a, b) = CurveFit.FindAB(options.Spread, options.MinDistance);

        int dim = options.ComponentCount;
        var embedding = new float[rows * dim];
        int components = SpectralInit.ConnectedComponents(graph, out var labels);
        string? failure = null;
        var spectral = components > 1
            ? ComponentLayout.Compute(graph, labels, components, prepared, dims, metric, dim, seed, po)
            : SpectralInit.Compute(graph, dim, seed, po, out failure);
        if (spectral is not null)
        {
            double maxAbs = 0;
            foreach (double v in spectral) maxAbs = Math.Max(maxAbs, Math.Abs(v));
            double expansion = maxAbs > 0 ? 10 / maxAbs : 1;
            Parallel.For(0, rows, po, i =>
            {
                var rng = RandomStream.For(seed, StreamPurpose.Init, i);
                for (int c = 0; c < dim; c++)
                    embedding[i * dim + c] = (float)(spectral[i * dim + c] * expansion) + (float)(1e-4 * rng.NextGaussian());
            });
        }
        else
        {
            Parallel.For(0, rows, po, i =>
            {
                var rng = RandomStream.For(seed, StreamPurpose.Init, i);
                for (int c = 0; c < dim; c++) embedding[i * dim + c] = (float)(rng.NextDouble() * 20 - 10);
            });
        }
        RescaleToBox(embedding, rows, dim);
        LayoutOptimizer.OptimizeFit(embedding, rows, dim, graph, epochs, a, b, options.RepulsionStrength,
            options.LearningRate, options.NegativeSampleRate, seed, po);

        string initialization = spectral is null ? $"random ({failure})"
            : components > 1 ? $"spectral, {components} components laid out apart" : "spectral";
        return new UmapModel(rows, dims, dim, k, a, b, seed, options.LocalConnectivity, options.LearningRate,
            options.RepulsionStrength, options.NegativeSampleRate, Math.Max(1, epochs / 3), (float)mean,
            initialization, embedding, prepared, metric, index);
    }

    /// <summary>Projects rows (<paramref name="rows"/> x <see cref="Dims"/>). A row equal to a training row gets that
    /// row's fitted position (the first one for duplicated training rows): transforming the training data gives back
    /// the fitted embedding. Any other row is placed as umap-learn's transform() does: its neighbours among the
    /// training rows, membership strengths (local connectivity reduced by 1), a start at the membership-weighted mean
    /// of the neighbours' positions, then <see cref="TransformEpochs"/> epochs moving only the new point. Each point
    /// uses its own random stream, hashed from the seed and the point's values, and nothing from the other points:
    /// its result is the same alone or in any batch.</summary>
    public float[] Transform(float[] newData, int rows, int? maxThreads = null)
    {
        ArgumentNullException.ThrowIfNull(newData);
        ValidateRows(newData, rows, Dims, nameof(newData));
        var po = new ParallelOptions { MaxDegreeOfParallelism = maxThreads ?? -1 };
        int dims = Dims, k = NeighborCount, dim = Components;
        var prepared = _metric.Prepare(newData, rows, dims, po);
        var result = new float[rows * dim];
        var unseen = new List<int>(rows);
        var lookup = _trainingRows.Value;
        for (int i = 0; i < rows; i++)
        {
            var row = prepared.AsSpan(i * dims, dims);
            if (lookup.TryGetValue(ContentHash(row), out int t) && row.SequenceEqual(_data.AsSpan(t * dims, dims)))
                Embedding.AsSpan(t * dim, dim).CopyTo(result.AsSpan(i * dim, dim));
            else
                unseen.Add(i);
        }
        if (unseen.Count == 0)
            return result;

        int n = unseen.Count;
        var queries = new float[n * dims];
        for (int u = 0; u < n; u++)
            prepared.AsSpan(unseen[u] * dims, dims).CopyTo(queries.AsSpan(u * dims, dims));
        var indices = new int[n * k];
        var distances = new float[n * k];
        if (_index is null)
            ExactSearch.Nearest(PackedRows.Pack(queries, n, dims, prepare: null, po),
                LazyInitializer.EnsureInitialized(ref _packed, () => PackedRows.Pack(_data, Rows, dims, prepare: null, po)),
                _metric, k, sameSet: false, indices, distances, po);
        else
            _index.Query(_data, queries, n, k, _metric, indices, distances, po);
        for (int i = 0; i < distances.Length; i++) distances[i] = _metric.ToTrue(distances[i]);

        float localConnectivity = Math.Max(0f, LocalConnectivity - 1f);
        Parallel.For(0, n, po, () => new double[4 * k + dim + 2 * k], (u, _, scratch) =>
        {
            int i = unseen[u];
            var dist = distances.AsSpan(u * k, k);
            var cols = indices.AsSpan(u * k, k);
            var (sigma, rho) = FuzzySimplicialSet.SmoothRow(dist, localConnectivity, Math.Log2(k), MeanDistance);
            Span<float> weights = stackalloc float[k];
            double total = 0;
            for (int j = 0; j < k; j++) total += weights[j] = FuzzySimplicialSet.Membership(dist[j], rho, sigma);
            var point = result.AsSpan(i * dim, dim);
            for (int j = 0; j < k; j++)
                for (int c = 0; c < dim; c++)
                    point[c] += (float)(weights[j] / total) * Embedding[cols[j] * dim + c];
            var rng = RandomStream.For(Seed, StreamPurpose.Transform, (long)ContentHash(newData.AsSpan(i * dims, dims)));
            LayoutOptimizer.OptimizePoint(point, Embedding, Rows, dim, cols, weights, TransformEpochs, A, B,
                RepulsionStrength, LearningRate / 4f, NegativeSampleRate, rng, scratch);
            return scratch;
        }, _ => { });
        return result;
    }

    /// <summary>Content hash of each prepared training row to its index (first of duplicates), built on first use.</summary>
    private Dictionary<ulong, int> IndexTrainingRows()
    {
        var lookup = new Dictionary<ulong, int>(Rows);
        for (int t = 0; t < Rows; t++)
            lookup.TryAdd(ContentHash(_data.AsSpan(t * Dims, Dims)), t);
        return lookup;
    }

    private static ulong ContentHash(ReadOnlySpan<float> row)
    {
        ulong h = 0x51AB1E5EEDUL;
        foreach (float v in row) h = RandomStream.Mix(h ^ BitConverter.SingleToUInt32Bits(v));
        return h;
    }

    /// <summary>Per component, linearly to [0, 10] (umap-learn does this to every initial layout).</summary>
    private static void RescaleToBox(float[] embedding, int rows, int dim)
    {
        for (int c = 0; c < dim; c++)
        {
            float min = float.PositiveInfinity, max = float.NegativeInfinity;
            for (int i = 0; i < rows; i++) { min = Math.Min(min, embedding[i * dim + c]); max = Math.Max(max, embedding[i * dim + c]); }
            float scale = max > min ? 10f / (max - min) : 1f;
            for (int i = 0; i < rows; i++) embedding[i * dim + c] = (embedding[i * dim + c] - min) * scale;
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> for a length mismatch or the first NaN / infinite value, naming
    /// its row and column.</summary>
    private static void ValidateRows(float[] data, int rows, int dims, string parameter)
    {
        if (dims < 1) throw new ArgumentException($"Rows need at least one value; got {dims} dimensions.", parameter);
        if (rows < 1) throw new ArgumentException($"Expected at least one row; got {rows}.", parameter);
        if (data.LongLength != (long)rows * dims)
            throw new ArgumentException(
                $"Expected {rows} rows x {dims} values = {(long)rows * dims} values; got {data.LongLength}.", parameter);
        int bad = -1;
        for (int i = 0; i < data.Length; i++)
            if (!float.IsFinite(data[i])) { bad = i; break; }
        if (bad >= 0)
            throw new ArgumentException(
                $"Row {bad / dims}, column {bad % dims} is {data[bad]}: UMAP needs finite values (no NaN or infinity).",
                parameter);
    }

    public void Write(BinaryWriter w)
    {
        w.Write(Magic);
        w.Write(FormatVersion);
        w.Write(Rows); w.Write(Dims); w.Write(Components); w.Write(NeighborCount);
        w.Write(A); w.Write(B); w.Write(Seed);
        w.Write(LocalConnectivity); w.Write(LearningRate); w.Write(RepulsionStrength); w.Write(NegativeSampleRate);
        w.Write(TransformEpochs); w.Write(MeanDistance); w.Write(UmapMetrics.Id(_metric)); w.Write(Initialization);
        Persist.WriteArray(w, Embedding);
        Persist.WriteArray(w, _data);
        w.Write(_index is not null);
        _index?.Write(w);
    }

    /// <summary>Reads a model written by <see cref="Write"/>; a model fitted with a custom distance needs it back.</summary>
    public static UmapModel Read(BinaryReader r, IUmapDistance? customDistance = null)
    {
        string magic = r.ReadString();
        if (magic != Magic) throw new InvalidDataException($"Not a UMAP model (header '{magic}').");
        int version = r.ReadInt32();
        if (version is < 1 or > FormatVersion)
            throw new InvalidDataException($"UMAP model format version {version} is not supported (this build reads 1..{FormatVersion}).");
        int rows = r.ReadInt32(), dims = r.ReadInt32(), components = r.ReadInt32(), k = r.ReadInt32();
        float a = r.ReadSingle(), b = r.ReadSingle();
        int seed = r.ReadInt32();
        float lc = r.ReadSingle(), lr = r.ReadSingle(), gamma = r.ReadSingle();
        int negativeRate = r.ReadInt32(), transformEpochs = r.ReadInt32();
        float mean = r.ReadSingle();
        var metric = UmapMetrics.FromId(r.ReadInt32(), customDistance);
        string init = r.ReadString();
        var embedding = Persist.ReadFloats(r);
        var data = Persist.ReadFloats(r);
        var index = r.ReadBoolean() ? NNDescent.Read(r) : null;
        if (embedding.Length != rows * components || data.Length != rows * dims)
            throw new InvalidDataException("Corrupt UMAP model: array sizes do not match the header.");
        return new UmapModel(rows, dims, components, k, a, b, seed, lc, lr, gamma, negativeRate, transformEpochs, mean,
            init, embedding, data, metric, index);
    }
}
