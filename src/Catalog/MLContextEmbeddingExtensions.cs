using Microsoft.ML.Runtime;
using MlNetTriplet;

namespace Microsoft.ML;

/// <summary>The embedding catalog on <see cref="MLContext"/>.</summary>
public static class MLContextEmbeddingExtensions
{
    /// <summary>Evaluation and TensorBoard-projector export of embeddings, e.g.
    /// <c>mlContext.Embeddings().Evaluate(model.Transform(test), "Embedding", "Label")</c>.</summary>
    /// <param name="mlContext">The context; its log receives the summaries.</param>
    public static EmbeddingCatalog Embeddings(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return new EmbeddingCatalog(mlContext);
    }
}
