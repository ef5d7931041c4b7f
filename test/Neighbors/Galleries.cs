using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Neighbors;

/// <summary>Small in-memory galleries and queries for the search transform's tests: embeddings with a text label and a
/// numeric id, loaded with the embedding size in the schema.</summary>
internal static class Galleries
{
    public sealed class Row
    {
        public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
        public long Id { get; set; }
    }

    /// <summary>The rows as an <see cref="IDataView"/> whose <c>Features</c> is a <c>Vector&lt;Single, dims&gt;</c>.</summary>
    public static IDataView Load(MLContext ml, IEnumerable<Row> rows, int dims)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dims);
        return ml.Data.LoadFromEnumerable(rows.ToList(), schema);
    }

    /// <summary>Vectors as rows labelled "c0", "c1", ... by <paramref name="label"/>, ids 1000 + position.</summary>
    public static List<Row> Rows(float[][] vectors, Func<int, int> label) =>
        vectors.Select((v, i) => new Row { Features = v, Label = $"c{label(i)}", Id = 1000 + i }).ToList();

    /// <summary><paramref name="count"/> rows of a seeded Gaussian mixture: <paramref name="clusters"/> centres from
    /// N(0, I), each row a centre plus N(0, 0.25 I); the centre of row i is i mod clusters.</summary>
    public static float[][] Mixture(int count, int dims, int clusters, int seed)
    {
        var random = new Random(seed);
        float Normal() => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        var centres = Enumerable.Range(0, clusters).Select(_ => Enumerable.Range(0, dims).Select(_ => Normal()).ToArray()).ToArray();
        return Enumerable.Range(0, count).Select(i => centres[i % clusters].Select(c => c + 0.5f * Normal()).ToArray()).ToArray();
    }
}
