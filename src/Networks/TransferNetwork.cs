using MlNetTriplet.Backbones;
using MlNetTriplet.Export;
using MlNetTriplet.Networks.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MlNetTriplet.Networks;

/// <summary>A pretrained backbone with a new head on the global average pooling of its last feature maps: a classifier
/// (dropout, one dense layer to the classes, the head a class activation map reads; output logits) or an embedding
/// head (<see cref="EmbeddingHeadSpec"/>; output embeddings). Input N x 3 x H x W RGB in [0, 1].</summary>
internal sealed class TransferNetwork : Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly BackboneModule backbone;
    private readonly Sequential head;
    private readonly Linear? _classifier;

    /// <summary>A classifier of <paramref name="classes"/> classes.</summary>
    public TransferNetwork(BackboneModule backbone, int classes, float dropout)
        : this(backbone, ClassifierHead(backbone, classes, dropout, out var fc), fc)
    {
    }

    /// <summary>An embedding network: the backbone's pooled features through <paramref name="head"/>.</summary>
    public TransferNetwork(BackboneModule backbone, EmbeddingHeadSpec head) : this(backbone, head.Create(), null)
    {
    }

    private TransferNetwork(BackboneModule backbone, Sequential head, Linear? classifier) : base(nameof(TransferNetwork))
    {
        this.backbone = backbone;
        this.head = head;
        _classifier = classifier;
        RegisterComponents();
    }

    public BackboneModule Backbone => backbone;

    /// <summary>The head on pooled features: what trains alone on cached features.</summary>
    public Module<Tensor, Tensor> Head => head;

    /// <summary>A classifier's dense layer (its weights are the class activation map's channel weights); null for an
    /// embedding head.</summary>
    public Linear? Classifier => _classifier;

    private static Sequential ClassifierHead(BackboneModule backbone, int classes, float dropout, out Linear fc)
    {
        fc = Linear(backbone.FeatureChannels, classes);
        return Sequential(("drop", Dropout(dropout)), ("fc", fc));
    }

    public override Tensor forward(Tensor x) => head.forward(PooledFeatures(x));

    /// <summary>The backbone's last feature maps averaged over space: N x FeatureChannels.</summary>
    public Tensor PooledFeatures(Tensor x)
    {
        using var maps = backbone.forward(x);
        return maps.mean([2, 3]);
    }

    public string ExportOnnx(OnnxGraphWriter onnx, string input) => ExportHead(onnx, ExportPooledFeatures(onnx, input));

    /// <summary>The nodes of <see cref="PooledFeatures"/>.</summary>
    public string ExportPooledFeatures(OnnxGraphWriter onnx, string input) =>
        onnx.Node("ReduceMean", [OnnxLayers.Export(onnx, "backbone", backbone, input)], node =>
        {
            node.AddAttribute("axes", new long[] { 2, 3 });
            node.AddAttribute("keepdims", 0L);
        });

    /// <summary>The nodes of <see cref="Head"/> on pooled features.</summary>
    public string ExportHead(OnnxGraphWriter onnx, string pooled) => OnnxLayers.Export(onnx, "head", head, pooled);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            backbone.Dispose();
            head.Dispose();
        }
        base.Dispose(disposing);
    }
}
