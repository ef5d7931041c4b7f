using static TorchSharp.torch;

namespace MlNetTriplet.Batches;

/// <summary>One step's rows as tensors on the training device: inputs [n, ...] and int64 labels [n], and which data
/// rows they are. The training loop disposes it after the step.</summary>
internal sealed class TensorBatch(Tensor features, Tensor labels, int[] rows) : IDisposable
{
    public Tensor Features { get; } = features;
    public Tensor Labels { get; } = labels;

    /// <summary>The data rows of the batch, in order (indices into its reader's rows).</summary>
    public int[] Rows { get; } = rows;

    public long Count => Labels.shape[0];

    public void Dispose()
    {
        Features.Dispose();
        Labels.Dispose();
    }
}
