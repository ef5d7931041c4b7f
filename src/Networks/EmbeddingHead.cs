using MlNetTriplet.Checks;
using MlNetTriplet.Networks.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MlNetTriplet.Networks;

/// <summary>The embedding head on a pretrained backbone's pooled features (persisted as JSON beside the weights): one
/// linear layer to <see cref="EmbeddingSize"/>, optional batch norm and activation, optional L2 normalisation — the
/// embedder of "A Metric Learning Reality Check" (Musgrave et al. 2020) and the Proxy Anchor paper. Without
/// <see cref="Project"/>, the pooled features themselves (normalised when asked): a model that embeds with its
/// fine-tuned backbone after training through a projection head.</summary>
/// <param name="Inputs">Pooled features per photo (the backbone's last channels).</param>
/// <param name="EmbeddingSize">Size of the embedding.</param>
/// <param name="BatchNorm">Batch norm on the linear layer's output.</param>
/// <param name="Activation">Activation after it, or null (linear).</param>
/// <param name="Normalize">Unit L2 norm at the end.</param>
/// <param name="Project">The linear layer; false: none, <paramref name="EmbeddingSize"/> is <paramref name="Inputs"/>
/// (and true for zips written before the choice existed).</param>
internal sealed record EmbeddingHeadSpec(int Inputs, int EmbeddingSize, bool BatchNorm, Activation? Activation, bool Normalize,
    bool Project = true)
{
    /// <summary>The head's layers in order, under the names its weights are saved with (<c>linear</c>,
    /// <c>batchnorm</c>, <c>activation</c>, <c>normalize</c>); a sequential module exports to ONNX as it is.</summary>
    public Sequential Create()
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        if (Project)
            layers.Add(("linear", Linear(Inputs, EmbeddingSize)));
        if (BatchNorm)
            layers.Add(("batchnorm", BatchNorm1d(EmbeddingSize)));
        if (Activation is { } activation)
            layers.Add(("activation", ActivationLayer.Create(activation)));
        if (Normalize)
            layers.Add(("normalize", new L2Normalization()));
        return Sequential(layers);
    }

    /// <summary>Throws naming the first value the head cannot be built from (a damaged or edited model zip).</summary>
    public void Check(OptionChecks check)
    {
        check.Accepts(Inputs >= 1, "inputs", Inputs, "at least 1");
        check.Accepts(EmbeddingSize >= 1, nameof(EmbeddingSize), EmbeddingSize, "at least 1");
        check.Compatible(Project || EmbeddingSize == Inputs, nameof(EmbeddingSize), EmbeddingSize, nameof(Project), Project,
            $"{Inputs}, the pooled features' width: without the linear layer they are the embedding");
        if (Activation is { } activation)
            check.Defined(activation, nameof(Activation));
    }
}
