using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Evaluation;

/// <summary>In-memory data views with an <c>Embedding</c> column (<c>Vector&lt;Single, dims&gt;</c>) and a
/// <c>Label</c> column of any type.</summary>
internal static class EmbeddingViews
{
    public sealed class Row<T>
    {
        public float[] Embedding { get; set; } = [];
        public T Label { get; set; } = default!;
    }

    public static IDataView Create<T>(MLContext ml, float[] rows, int dims, IReadOnlyList<T> labels, int? declaredSize = null)
    {
        var definition = SchemaDefinition.Create(typeof(Row<T>));
        definition["Embedding"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, declaredSize ?? dims);
        var items = labels.Select((label, i) => new Row<T> { Embedding = rows[(i * dims)..((i + 1) * dims)], Label = label });
        return ml.Data.LoadFromEnumerable(items.ToList(), definition);
    }
}
