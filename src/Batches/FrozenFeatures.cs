using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet.Batches;

/// <summary>A frozen module's outputs on every row of another source, computed once and held as tensors: the cache a
/// frozen backbone's head trains on (PyTorch's TensorDataset over computed features). The pass runs in eval mode
/// without gradients, over the source's epoch-0 batches (never augmented), so each row's features are fixed.</summary>
internal static class FrozenFeatures
{
    /// <summary>Runs <paramref name="forward"/> (a function of <paramref name="module"/>, which is put in eval mode)
    /// over every batch of <paramref name="input"/> and keeps its outputs [rows, ...] with the labels, in the source's
    /// row order, on <paramref name="device"/>.</summary>
    /// <param name="input">The rows, e.g. photos streamed from disk; read once.</param>
    /// <param name="module">The frozen module.</param>
    /// <param name="forward">What is kept of a batch, e.g. the backbone's pooled features.</param>
    /// <param name="device">Where the cached rows live (the training device).</param>
    /// <param name="stepDone">Called after each batch with the steps and rows done (progress), or null.</param>
    /// <param name="cancellation">Checked between batches.</param>
    public static TensorRows Compute(BatchSource input, nn.Module module, Func<Tensor, Tensor> forward, Device device,
        Action<int, long>? stepDone, CancellationToken cancellation)
    {
        module.eval();
        var features = new List<Tensor>();
        var labels = new List<Tensor>();
        try
        {
            using (no_grad())
            {
                int step = 0;
                long rows = 0;
                foreach (var batch in input.Batches(0))
                {
                    using var owned = batch;
                    cancellation.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    features.Add(forward(batch.Features).cpu().DetachFromDisposeScope());
                    labels.Add(batch.Labels.cpu().DetachFromDisposeScope());
                    rows += batch.Count;
                    stepDone?.Invoke(++step, rows);
                }
            }
            using var x = cat(features, 0);
            using var y = cat(labels, 0);
            return new TensorRows(x.to(device, copy: true).DetachFromDisposeScope(), y.to(device, copy: true).DetachFromDisposeScope());
        }
        finally
        {
            foreach (var t in features.Concat(labels))
                t.Dispose();
        }
    }
}
