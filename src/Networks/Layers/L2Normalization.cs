using MlNetTriplet.Export;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MlNetTriplet.Networks.Layers;

/// <summary>Scales each row to unit L2 norm exactly as <c>torch.nn.functional.normalize</c> does:
/// x / max(||x||, 1e-12) (a zero row stays zero). No parameters.</summary>
internal sealed class L2Normalization() : Module<Tensor, Tensor>(nameof(L2Normalization)), IOnnxExportable
{
    private const double Epsilon = 1e-12;

    public override Tensor forward(Tensor x) => functional.normalize(x, p: 2, dim: 1, eps: Epsilon);

    public string ExportOnnx(OnnxGraphWriter onnx, string input)
    {
        string norm = onnx.Node("ReduceL2", [input], node =>
        {
            node.AddAttribute("axes", new long[] { 1 });
            node.AddAttribute("keepdims", 1L);
        });
        string floor = onnx.Node("Max", [norm, onnx.Floats("epsilon", [(float)Epsilon], 1)]);
        return onnx.Node("Div", [input, floor]);
    }
}
