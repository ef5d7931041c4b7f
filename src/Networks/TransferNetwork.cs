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
/// head (<see cref="EmbeddingHeadSpec"/>; output embeddings), optionally beside the same head on the pooled features
/// of the backbone's pretrained weights (<see cref="PhotoEmbeddingSource.BackboneAndPretrained"/>). Input
/// N x 3 x H x W RGB in [0, 1].</summary>
internal sealed class TransferNetwork : Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly BackboneModule backbone;
    private readonly Sequential head;
    private readonly Linear? _classifier;
    private readonly BackboneModule? pretrained;
    private readonly int _sharedBlocks;

    /// <summary>A classifier of <paramref name="classes"/> classes.</summary>
    public TransferNetwork(BackboneModule backbone, int classes, float dropout)
        : this(backbone, ClassifierHead(backbone, classes, dropout, out var fc), fc)
    {
    }

    /// <summary>An embedding network: the backbone's pooled features through <paramref name="head"/>.</summary>
    public TransferNetwork(BackboneModule backbone, EmbeddingHeadSpec head) : this(backbone, head.Create(), null)
    {
    }

    /// <summary>An embedding network with two branches after the shared blocks 0..<paramref name="sharedBlocks"/> - 1:
    /// <paramref name="backbone"/>'s own (trained) blocks and <paramref name="pretrained"/>'s (untrained), each pooled
    /// and through <paramref name="head"/> (which must have no weights: a normalisation), side by side and scaled by
    /// 1/sqrt(2). The shared blocks run once, from <paramref name="backbone"/>; <paramref name="pretrained"/>'s
    /// copies of them are saved with it, unused.</summary>
    public TransferNetwork(BackboneModule backbone, EmbeddingHeadSpec head, BackboneModule pretrained, int sharedBlocks)
        : this(backbone, head.Create(), null)
    {
        if (sharedBlocks < 0 || sharedBlocks >= backbone.BlockNames.Count)
            throw new ArgumentOutOfRangeException(nameof(sharedBlocks), sharedBlocks,
                $"The pretrained branch starts at a block of '{backbone.Spec.Name}': 0..{backbone.BlockNames.Count - 1}.");
        this.pretrained = pretrained;
        _sharedBlocks = sharedBlocks;
        register_module(nameof(pretrained), pretrained);
        pretrained.eval();
        foreach (var p in pretrained.parameters())
            p.requires_grad = false;
    }

    private TransferNetwork(BackboneModule backbone, Sequential head, Linear? classifier) : base(nameof(TransferNetwork))
    {
        this.backbone = backbone;
        this.head = head;
        _classifier = classifier;
        RegisterComponents();
    }

    /// <summary>1/sqrt(2): the scale that keeps two unit-length halves a unit-length embedding.</summary>
    private static readonly float HalfScale = (float)(1 / Math.Sqrt(2));

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

    public override Tensor forward(Tensor x)
    {
        if (pretrained is null)
            return head.forward(PooledFeatures(x));
        using var scope = NewDisposeScope();
        Tensor tuned, original;
        if (_sharedBlocks == 0)
            (tuned, original) = (backbone.forward(x), pretrained.forward(x));
        else
        {
            var shared = backbone.ForwardThrough(x, _sharedBlocks - 1);
            (tuned, original) = (backbone.ForwardFrom(shared, _sharedBlocks), pretrained.ForwardFrom(shared, _sharedBlocks));
        }
        var both = cat([head.forward(tuned.mean([2, 3])), head.forward(original.mean([2, 3]))], 1);
        return scope.MoveToOuter(both.mul_(HalfScale));
    }

    /// <summary>The backbone's last feature maps averaged over space: N x FeatureChannels.</summary>
    public Tensor PooledFeatures(Tensor x)
    {
        using var maps = backbone.forward(x);
        return maps.mean([2, 3]);
    }

    public string ExportOnnx(OnnxGraphWriter onnx, string input)
    {
        if (pretrained is null)
            return ExportHead(onnx, ExportPooledFeatures(onnx, input));
        var (tunedScope, originalScope) = (onnx.Scope("backbone"), onnx.Scope(nameof(pretrained)));
        string tuned, original;
        if (_sharedBlocks == 0)
            (tuned, original) = (backbone.ExportOnnx(tunedScope, input), pretrained.ExportOnnx(originalScope, input));
        else
        {
            string shared = backbone.ExportThrough(tunedScope, input, _sharedBlocks - 1);
            (tuned, original) = (backbone.ExportFrom(tunedScope, shared, _sharedBlocks),
                pretrained.ExportFrom(originalScope, shared, _sharedBlocks));
        }
        string both = onnx.Node("Concat", [ExportHead(onnx, GlobalAverage(onnx, tuned)),
            OnnxLayers.Export(onnx, "pretrained_head", head, GlobalAverage(onnx, original))], node => node.AddAttribute("axis", 1L));
        return onnx.Node("Mul", [both, onnx.Floats("half_scale", [HalfScale], 1)]);
    }

    /// <summary>The nodes of <see cref="PooledFeatures"/>.</summary>
    public string ExportPooledFeatures(OnnxGraphWriter onnx, string input) =>
        GlobalAverage(onnx, OnnxLayers.Export(onnx, "backbone", backbone, input));

    private static string GlobalAverage(OnnxGraphWriter onnx, string maps) =>
        onnx.Node("ReduceMean", [maps], node =>
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
            pretrained?.Dispose();
        }
        base.Dispose(disposing);
    }
}
