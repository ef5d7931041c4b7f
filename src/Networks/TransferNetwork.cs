using MlNetTriplet.Backbones;
using MlNetTriplet.Export;
using MlNetTriplet.Networks.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MlNetTriplet.Networks;

/// <summary>A pretrained backbone with a new head: global average pooling of its last feature maps, dropout, one
/// dense layer to the classes, the head a class activation map reads. Input N x 3 x H x W RGB in [0, 1]; output logits.</summary>
internal sealed class TransferNetwork : Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly BackboneModule backbone;
    private readonly Sequential head;
    private readonly Linear fc;

    public TransferNetwork(BackboneModule backbone, int classes, float dropout) : base(nameof(TransferNetwork))
    {
        this.backbone = backbone;
        fc = Linear(backbone.FeatureChannels, classes);
        head = Sequential(("drop", Dropout(dropout)), ("fc", fc));
        RegisterComponents();
    }

    public BackboneModule Backbone => backbone;

    /// <summary>Dropout and the dense layer, on pooled features: what trains alone on cached features.</summary>
    public Module<Tensor, Tensor> Head => head;

    /// <summary>The dense layer: its weights are the class activation map's channel weights.</summary>
    public Linear Classifier => fc;

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
