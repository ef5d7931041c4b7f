using MlNetTriplet.Export;
using MlNetTriplet.Native;
using MlNetTriplet.Networks.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MlNetTriplet.Networks;

/// <summary>The TorchSharp network an <see cref="CnnArchitecture"/> describes: <c>features</c> (the convolution
/// blocks) then <c>head</c>. Kept as two parts so class activation maps can read the feature maps of any block.</summary>
internal sealed class CnnModule : Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Sequential features;
    private readonly Sequential head;
    // The layers of each convolution block, in order: the same modules as features' (so not registered twice).
    private readonly Module<Tensor, Tensor>[][] _blocks;
    private readonly bool _globalAveragePool;

    public CnnModule(CnnArchitecture architecture, ImageShape input, int outputs) : base(LibTorch.Loaded(nameof(CnnModule)))
    {
        architecture.Validate();
        Input = input;
        var (channels, height, width) = FeatureShape(architecture, input);
        var blocks = Enumerable.Range(0, architecture.Blocks.Count)
            .Select(i => BuildBlock(architecture.Blocks[i], i, i == 0 ? input.Channels : architecture.Blocks[i - 1].Filters).ToArray())
            .ToArray();
        features = Sequential(blocks.SelectMany(b => b));
        _blocks = blocks.Select(b => b.Select(layer => layer.Item2).ToArray()).ToArray();
        head = Sequential(BuildHead(architecture, channels, height, width, outputs));
        _globalAveragePool = architecture.Head == CnnHead.GlobalAveragePool;
        RegisterComponents();
    }

    public ImageShape Input { get; }

    /// <summary>The dense layer after global average pooling (the class activation map's channel weights), or null
    /// for a <see cref="CnnHead.Dense"/> head.</summary>
    /// <remarks>Computed, not stored: a stored module would be registered a second time, under a new state_dict name.</remarks>
    public Linear? Classifier => _globalAveragePool ? (Linear)head.children().Last() : null;

    /// <summary>Number of convolution blocks: block i's output is what <see cref="ForwardThrough"/> returns.</summary>
    public int BlockCount => _blocks.Length;

    /// <summary>The head (pooling or flattening, dense layers) on the last block's feature maps: logits.</summary>
    public Module<Tensor, Tensor> Head => head;

    public override Tensor forward(Tensor x) => head.forward(features.forward(x));

    public string ExportOnnx(OnnxGraphWriter onnx, string input) =>
        OnnxLayers.Export(onnx, "head", head, OnnxLayers.Export(onnx, "features", features, input));

    /// <summary>Runs blocks 0..<paramref name="lastBlock"/> (each block ends after its pooling and dropout).</summary>
    public Tensor ForwardThrough(Tensor x, int lastBlock) => RunBlocks(x, 0, lastBlock);

    /// <summary>Runs blocks <paramref name="firstBlock"/>.. on the output of block <paramref name="firstBlock"/> - 1:
    /// the last block's feature maps (the input itself when <paramref name="firstBlock"/> is <see cref="BlockCount"/>).</summary>
    public Tensor ForwardFrom(Tensor features, int firstBlock) => RunBlocks(features, firstBlock, _blocks.Length - 1);

    private Tensor RunBlocks(Tensor x, int first, int last)
    {
        var current = x;
        for (int i = first; i <= last; i++)
            foreach (var layer in _blocks[i])
                current = layer.call(current);
        return current;
    }

    /// <summary>Output shape of the convolution blocks for one image, by the convolution and pooling size rules, so
    /// an architecture too deep for the image fails here with a clear message, not inside libtorch.</summary>
    internal static (int Channels, int Height, int Width) FeatureShape(CnnArchitecture a, ImageShape input)
    {
        int channels = input.Channels, height = input.Height, width = input.Width;
        for (int i = 0; i < a.Blocks.Count; i++)
        {
            var b = a.Blocks[i];
            if (!b.SamePadding)
            {
                int pad = b.Padding ?? b.KernelSize / 2;
                height = (height + 2 * pad - b.KernelSize) / b.Stride + 1;
                width = (width + 2 * pad - b.KernelSize) / b.Stride + 1;
            }
            if (b.Pooling != Pooling.None && height >= 1 && width >= 1)
            {
                height /= b.PoolSize;
                width /= b.PoolSize;
            }
            channels = b.Filters;
            if (height < 1 || width < 1)
                throw new ArgumentException(
                    $"CnnArchitecture.Blocks[{i}] shrinks a {input} image to nothing: use fewer blocks, smaller kernels or strides, or less pooling.");
        }
        return (channels, height, width);
    }

    private static IEnumerable<(string, Module<Tensor, Tensor>)> BuildBlock(ConvBlock b, int i, int inChannels)
    {
        yield return ($"conv{i}", ConvolutionLayer.Create(b, inChannels));
        if (b.BatchNorm)
            yield return ($"bn{i}", BatchNorm2d(b.Filters));
        yield return ($"act{i}", ActivationLayer.Create(b.Activation));
        if (PoolingLayer.Create(b) is { } pool)
            yield return ($"pool{i}", pool);
        if (b.Dropout > 0)
            yield return ($"drop{i}", Dropout(b.Dropout));
    }

    private static IEnumerable<(string, Module<Tensor, Tensor>)> BuildHead(CnnArchitecture a, int channels, int height,
        int width, int outputs)
    {
        if (a.Head == CnnHead.GlobalAveragePool)
        {
            yield return ("gap", AdaptiveAvgPool2d(1));
            yield return ("flatten", Flatten());
            if (a.HeadDropout > 0)
                yield return ("drop", Dropout(a.HeadDropout));
            yield return ("fc", Linear(channels, outputs));
            yield break;
        }
        yield return ("flatten", Flatten());
        long inputs = (long)channels * height * width;
        for (int i = 0; i < a.DenseUnits.Count; i++)
        {
            yield return ($"fc{i}", Linear(inputs, a.DenseUnits[i]));
            yield return ($"act{i}", ActivationLayer.Create(a.DenseActivation));
            if (a.HeadDropout > 0)
                yield return ($"drop{i}", Dropout(a.HeadDropout));
            inputs = a.DenseUnits[i];
        }
        yield return ("out", Linear(inputs, outputs));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            features.Dispose();
            head.Dispose();
        }
        base.Dispose(disposing);
    }
}
