using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet.Transforms;

/// <summary>Runs a trained network on batches of flat float rows, from any thread: ML.NET may pull rows through
/// several cursors at once, and one lock around the forward pass keeps the module's use serial (libtorch already
/// spreads one batch over the cores).</summary>
internal sealed class NetworkRunner : IBatchMapper, IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _module;
    private readonly long[] _rowShape;
    private readonly Func<Tensor, Tensor> _infer;
    private readonly Device _device;
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <param name="module">The trained network (owned: disposed with the runner).</param>
    /// <param name="rowShape">Shape of one input row.</param>
    /// <param name="outputWidth">Floats one row's output holds.</param>
    /// <param name="device">Where the network runs.</param>
    /// <param name="infer">Batch of inputs to batch of outputs; default the module's forward.</param>
    public NetworkRunner(nn.Module<Tensor, Tensor> module, long[] rowShape, int outputWidth, Device device,
        Func<Tensor, Tensor>? infer = null)
    {
        _module = module;
        _rowShape = rowShape;
        _infer = infer ?? module.forward;
        _device = device;
        OutputWidth = outputWidth;
        InputWidth = (int)rowShape.Aggregate(1L, (a, b) => a * b);
        module.eval();
    }

    public nn.Module<Tensor, Tensor> Module => _module;
    public int InputWidth { get; }
    public int OutputWidth { get; }

    public void Run(float[] input, int rows, float[] output)
    {
        long[] shape = [rows, .. _rowShape];
        lock (_lock)
        {
            // Without this, libtorch's own "Tensor invalid -- empty handle" would be the message.
            if (_disposed)
                throw new ObjectDisposedException(nameof(NetworkTransformer),
                    "This model was disposed, which freed its network: predict before disposing it, or load the model again (mlContext.Model.Load).");
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = tensor(input.AsMemory(0, rows * InputWidth), shape).to(_device);
            var y = _infer(x);
            y.cpu().contiguous().data<float>().CopyTo(output.AsSpan(0, rows * OutputWidth));
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _module.Dispose();
        }
    }
}
