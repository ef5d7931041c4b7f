using Microsoft.ML.Data;
using MlNetTriplet;

namespace Microsoft.ML;

/// <summary>The triplet embedding estimator on <c>mlContext.Transforms</c>.</summary>
public static class TripletEmbeddingCatalogExtensions
{
    /// <summary>Trains an embedding network with triplet loss (the TF-Addons semi-hard recipe by default).</summary>
    /// <param name="catalog">The transforms catalog, <c>mlContext.Transforms</c>.</param>
    /// <param name="outputColumnName">The embedding column to add.</param>
    /// <param name="featureColumnName"><c>Vector&lt;Single&gt;</c> input column (images or plain vectors).</param>
    /// <param name="labelColumnName">Key-typed label column.</param>
    /// <param name="embeddingSize">Size of the embedding.</param>
    public static TripletEmbeddingEstimator TripletEmbedding(this TransformsCatalog catalog,
        string outputColumnName = "Embedding", string featureColumnName = "Features", string labelColumnName = "Label",
        int embeddingSize = 256) =>
        catalog.TripletEmbedding(new TripletEmbeddingOptions
        {
            OutputColumnName = outputColumnName, FeatureColumnName = featureColumnName, LabelColumnName = labelColumnName,
            EmbeddingSize = embeddingSize,
        });

    /// <summary>Trains an embedding network with triplet loss.</summary>
    /// <param name="catalog">The transforms catalog, <c>mlContext.Transforms</c>.</param>
    /// <param name="options">Network, loss, mining, sampling, training and column options.</param>
    public static TripletEmbeddingEstimator TripletEmbedding(this TransformsCatalog catalog, TripletEmbeddingOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TripletEmbeddingEstimator(catalog.GetEnvironment(), options);
    }
}
