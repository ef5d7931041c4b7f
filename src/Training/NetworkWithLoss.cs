using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MlNetTriplet.Training;

/// <summary>A network trained together with parameters of its loss (Proxy Anchor's proxies), as one module: the
/// training loop's checkpoints and best-weights snapshots then hold both (a resumed run keeps its proxies), while the
/// forward pass is the network's alone. After training the caller keeps the network and drops the loss: embedding a row
/// needs no proxy. Disposing this wrapper frees neither.</summary>
internal sealed class NetworkWithLoss : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> network;
    private readonly Module loss;

    public NetworkWithLoss(Module<Tensor, Tensor> network, Module loss) : base(nameof(NetworkWithLoss))
    {
        this.network = network;
        this.loss = loss;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => network.forward(x);

    protected override void Dispose(bool disposing)
    {
    }
}
