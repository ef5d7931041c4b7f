using Microsoft.ML.Data;
using MlNetTriplet;

namespace Microsoft.ML;

/// <summary>MlNetTriplet's nearest-neighbour search on <c>mlContext.Transforms</c>.</summary>
public static class NearestNeighborsCatalog
{
    /// <summary>A nearest-neighbour search: <c>Fit</c> keeps its input as the gallery, and the transformer adds the
    /// <paramref name="neighborCount"/> nearest gallery rows of each row (<c>NeighborIds</c>: their positions in the
    /// gallery, <c>NeighborLabels</c>, <c>NeighborDistances</c>, nearest first), searched exactly.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="featureColumnName">The embedding column, a known-size <c>Vector&lt;Single&gt;</c>.</param>
    /// <param name="labelColumnName">The gallery's label column (text, key, Boolean or number).</param>
    /// <param name="neighborCount">Neighbours per row (k).</param>
    /// <param name="distance">Distance between embeddings.</param>
    public static NearestNeighborsEstimator NearestNeighbors(this TransformsCatalog catalog,
        string featureColumnName = DefaultColumnNames.Features, string labelColumnName = DefaultColumnNames.Label,
        int neighborCount = 10, DistanceMetric distance = DistanceMetric.Euclidean) =>
        catalog.NearestNeighbors(new NearestNeighborsOptions
        {
            FeatureColumnName = featureColumnName, LabelColumnName = labelColumnName, NeighborCount = neighborCount,
            Distance = distance,
        });

    /// <summary>A nearest-neighbour search over the gallery <c>Fit</c> is given: exact or approximate, with ids, a
    /// vote and column names as <paramref name="options"/> say.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">Columns, neighbour count, distance, search mode.</param>
    public static NearestNeighborsEstimator NearestNeighbors(this TransformsCatalog catalog, NearestNeighborsOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new NearestNeighborsEstimator(catalog.GetEnvironment(), options);
    }
}
