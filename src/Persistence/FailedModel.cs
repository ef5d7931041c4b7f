using Microsoft.ML;
using Microsoft.ML.Model.OnnxConverter;
using MlNetTriplet.Transforms;

namespace MlNetTriplet.Persistence;

/// <summary>What loading a damaged model gives: every use raises the load error itself. ML.NET calls a transformer's
/// loader through reflection, so an exception thrown while loading reaches the caller wrapped twice in
/// TargetInvocationException; raised here, on the user's own call, its message is the first one they read.</summary>
internal sealed class FailedModel(InvalidDataException failure) : BatchedTransformer
{
    private protected override BatchedMapping Mapping => throw Failure();

    private protected override void SaveModel(ModelSaveContext ctx) => throw Failure();

    internal override void SaveAsOnnx(OnnxContext ctx, IDataView source) => throw Failure();

    /// <summary>The load error, raised anew (with the original as its cause) on each use.</summary>
    internal InvalidDataException Failure() => new(failure.Message, failure);

    /// <summary>The transformer <paramref name="load"/> reads from <paramref name="ctx"/>, or a
    /// <see cref="FailedModel"/> carrying why it could not be read.</summary>
    public static BatchedTransformer LoadOrFail(ModelLoadContext ctx, Func<BatchedTransformer> load)
    {
        try
        {
            return load();
        }
        catch (InvalidDataException e)
        {
            // ML.NET checks that the loader read its whole section; skip what the failed read left.
            ctx.Reader.BaseStream.Seek(ctx.FpMin + ctx.Header.FpModel + ctx.Header.CbModel, SeekOrigin.Begin);
            return new FailedModel(e);
        }
    }
}
