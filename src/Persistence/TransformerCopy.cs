using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MlNetTriplet.Persistence;

/// <summary>An independent copy of a transformer (its own network weights), made by its own save and load in memory:
/// exactly what a model zip would give back, and nothing shared with the original.</summary>
internal static class TransformerCopy
{
    private const string Directory = "Model";

    public static BatchedTransformer Of(IHostEnvironment env, BatchedTransformer transformer)
    {
        using var stream = new MemoryStream();
        using (var writer = RepositoryWriter.CreateNew(stream, env))
        {
            ModelSaveContext.SaveModel(writer, transformer, Directory);
            writer.Commit();
        }
        stream.Position = 0;
        using var reader = RepositoryReader.Open(stream, env);
        ModelLoadContext.LoadModel<BatchedTransformer, SignatureLoadModel>(env, out var copy, reader, Directory);
        return copy is FailedModel failed ? throw failed.Failure() : copy;
    }
}
