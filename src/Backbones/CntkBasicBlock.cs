using MlNetTriplet.Export;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MlNetTriplet.Backbones;

/// <summary>torchvision's ResNet <c>BasicBlock</c> with its field names (so the state_dict names match), for the
/// ResNet-18 with blocks [2, 2, 2, 3]: TorchVision's own BasicBlock is private, its ResNet constructor public.</summary>
internal sealed class CntkBasicBlock : Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Module<Tensor, Tensor> conv1;
    private readonly Module<Tensor, Tensor> bn1;
    private readonly Module<Tensor, Tensor> relu;
    private readonly Module<Tensor, Tensor> conv2;
    private readonly Module<Tensor, Tensor> bn2;
    private readonly Module<Tensor, Tensor>? downsample;

    private CntkBasicBlock(int inPlanes, int planes, int stride, Module<Tensor, Tensor>? downsample)
        : base("BasicBlock")
    {
        conv1 = Conv2d(inPlanes, planes, kernel_size: 3, stride: stride, padding: 1, bias: false);
        bn1 = BatchNorm2d(planes);
        relu = ReLU(inplace: true);
        conv2 = Conv2d(planes, planes, kernel_size: 3, stride: 1, padding: 1, bias: false);
        bn2 = BatchNorm2d(planes);
        this.downsample = downsample;
        RegisterComponents();
    }

    /// <summary>The block factory TorchVision's <see cref="TorchSharp.Modules.ResNet"/> constructor takes; groups,
    /// width and dilation are ResNet-18's defaults.</summary>
    public static Module<Tensor, Tensor> Create(int inPlanes, int planes, int stride, Module<Tensor, Tensor>? downsample,
        int groups, int baseWidth, int dilation, Func<int, Module<Tensor, Tensor>>? normLayer) =>
        new CntkBasicBlock(inPlanes, planes, stride, downsample);

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = bn2.call(conv2.call(relu.call(bn1.call(conv1.call(x)))));
        var identity = downsample is null ? x : downsample.call(x);
        return scope.MoveToOuter(y.add_(identity).relu_());
    }

    public string ExportOnnx(OnnxGraphWriter onnx, string input) =>
        TorchVisionBlocks.Residual(onnx, this, ["conv1", "bn1", "relu", "conv2", "bn2"], input);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            conv1.Dispose();
            bn1.Dispose();
            relu.Dispose();
            conv2.Dispose();
            bn2.Dispose();
            downsample?.Dispose();
        }
        base.Dispose(disposing);
    }
}
