using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MlNetTriplet.Training.Losses;

/// <summary>The Proxy Anchor loss (Kim et al. 2020): one learnt proxy per class, each an anchor for the batch's rows.
/// With cosine similarities s(x, p) between rows and proxies, P⁺ the proxies of the classes present in the batch and
/// X⁺_p / X⁻_p the rows of / not of p's class,
/// <c>L = 1/|P⁺| Σ_{p∈P⁺} log(1 + Σ_{x∈X⁺_p} exp(-α (s(x,p) - δ))) + 1/|P| Σ_{p∈P} log(1 + Σ_{x∈X⁻_p} exp(α (s(x,p) + δ)))</c>.
/// The proxies are parameters (initialised as the paper's code and pytorch-metric-learning do, Kaiming normal, fan-out):
/// they train with the network, usually at a larger learning rate, and are dropped after training (embedding needs no
/// proxy).</summary>
internal sealed class ProxyAnchorObjective : Module, ITrainingObjective
{
    private readonly Parameter proxies;
    private readonly double _alpha, _delta;

    public ProxyAnchorObjective(int classes, int embeddingSize, double alpha, double delta) : base(nameof(ProxyAnchorObjective))
    {
        proxies = Parameter(empty(classes, embeddingSize));
        using (no_grad())
            init.kaiming_normal_(proxies, mode: init.FanInOut.FanOut);
        (_alpha, _delta) = (alpha, delta);
        RegisterComponents();
    }

    /// <summary>The proxies, [classes, embedding size], as trained (not normalised).</summary>
    public Parameter Proxies => proxies;

    public bool ReportsAccuracy => false;

    public Tensor Loss(Tensor output, Tensor labels)
    {
        var s = functional.normalize(output, p: 2, dim: 1).matmul(functional.normalize(proxies, p: 2, dim: 1).t());
        var own = functional.one_hot(labels, proxies.shape[0]).to_type(ScalarType.Bool);          // [rows, classes]
        var positiveTerms = MaskedLogSumExp.LogOnePlus(-_alpha * (s - _delta), own, 0);          // [classes]
        var negativeTerms = MaskedLogSumExp.LogOnePlus(_alpha * (s + _delta), own.logical_not(), 0);
        var present = own.any(0).to_type(s.dtype);
        return (positiveTerms * present).sum() / present.sum().clamp_min(1) + negativeTerms.mean();
    }

    public long CountCorrect(Tensor output, Tensor labels) =>
        throw new NotSupportedException("A Proxy Anchor objective has no accuracy.");
}
