using Microsoft.ML.Data;
using MlNetTriplet;

namespace Microsoft.ML;

/// <summary>Prediction helpers added to <see cref="MLContext.Model"/>.</summary>
public static class ModelOperationsCatalogExtensions
{
    /// <summary>A thread-safe single-row predictor for <paramref name="model"/>: a pool of
    /// <see cref="PredictionEngine{TSrc, TDst}"/>s, each lent to one thread at a time (one engine shared by several
    /// threads silently returns wrong answers). Takes the same arguments as
    /// <see cref="ModelOperationsCatalog.CreatePredictionEngine{TSrc, TDst}(ITransformer, bool, SchemaDefinition, SchemaDefinition)"/>.</summary>
    /// <param name="catalog">The model catalog, <c>mlContext.Model</c>.</param>
    /// <param name="model">A fitted model (any <see cref="ITransformer"/>, e.g. a pipeline ending in this package's
    /// CNN, triplet embedding or UMAP projection). The predictor never disposes it.</param>
    /// <param name="ignoreMissingColumns">Whether input columns the row class lacks are ignored (as ML.NET's
    /// default); otherwise they fail.</param>
    /// <param name="inputSchemaDefinition">How to map the input class to columns, e.g. a vector's size; null reads
    /// the class's attributes.</param>
    /// <param name="outputSchemaDefinition">How to map columns to the output class; null reads its attributes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The row classes do not fit the model's schema, e.g. an input
    /// column is missing (ML.NET's message names it).</exception>
    public static ConcurrentPredictor<TSrc, TDst> CreateConcurrentPredictor<TSrc, TDst>(this ModelOperationsCatalog catalog,
        ITransformer model, bool ignoreMissingColumns = true, SchemaDefinition? inputSchemaDefinition = null,
        SchemaDefinition? outputSchemaDefinition = null)
        where TSrc : class
        where TDst : class, new()
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        var options = new PredictionEngineOptions
        {
            IgnoreMissingColumns = ignoreMissingColumns,
            InputSchemaDefinition = inputSchemaDefinition,
            OutputSchemaDefinition = outputSchemaDefinition,
            OwnsTransformer = false,
        };
        return new ConcurrentPredictor<TSrc, TDst>(() => catalog.CreatePredictionEngine<TSrc, TDst>(model, options));
    }
}
