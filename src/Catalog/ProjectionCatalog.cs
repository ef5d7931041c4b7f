using Microsoft.ML.Data;
using MlNetTriplet;

namespace Microsoft.ML;

/// <summary>MlNetTriplet's projections on <c>mlContext.Transforms</c>.</summary>
public static class ProjectionCatalog
{
    /// <summary>A UMAP projection of a <c>Vector&lt;Single&gt;</c> column to <see cref="UmapOptions.ComponentCount"/>
    /// dimensions (umap-learn's algorithm and defaults: 15 neighbours, min_dist 0.1, euclidean). Fit learns the
    /// training layout; transforming the training rows gives it back, new rows are placed among them.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Name of the projected column, <c>Vector&lt;Single, ComponentCount&gt;</c>.</param>
    /// <param name="inputColumnName">The <c>Vector&lt;Single&gt;</c> column to project; null uses
    /// <paramref name="outputColumnName"/>, replacing that column.</param>
    /// <param name="options">UMAP settings; null uses the defaults. Without <see cref="UmapOptions.Seed"/> the seed
    /// comes from the <c>MLContext</c>, so <c>new MLContext(seed: 1)</c> makes the projection repeatable.</param>
    public static UmapEstimator ProjectToUmap(this TransformsCatalog catalog, string outputColumnName,
        string? inputColumnName = null, UmapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new UmapEstimator(catalog.GetEnvironment(), outputColumnName, inputColumnName ?? outputColumnName,
            options ?? new UmapOptions());
    }
}
