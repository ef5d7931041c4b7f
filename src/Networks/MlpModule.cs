using MlNetTriplet.Export;
using MlNetTriplet.Native;
using MlNetTriplet.Networks.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MlNetTriplet.Networks;

/// <summary>The TorchSharp network an <see cref="MlpArchitecture"/> describes, from <c>inputs</c> features to
/// <c>outputs</c> logits (one for a binary classifier, one per class otherwise).</summary>
internal sealed class MlpModule : Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Sequential layers;

    public MlpModule(MlpArchitecture architecture, int inputs, int outputs) : base(LibTorch.Loaded(nameof(MlpModule)))
    {
        architecture.Validate();
        layers = Sequential(Build(architecture, inputs, outputs));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => layers.forward(x);

    public string ExportOnnx(OnnxGraphWriter onnx, string input) => OnnxLayers.Export(onnx, "layers", layers, input);

    private static IEnumerable<(string, Module<Tensor, Tensor>)> Build(MlpArchitecture a, int inputs, int outputs)
    {
        if (a.InputDropout > 0)
            yield return ("drop_in", Dropout(a.InputDropout));
        long previous = inputs;
        for (int i = 0; i < a.HiddenLayers.Count; i++)
        {
            yield return ($"fc{i}", Linear(previous, a.HiddenLayers[i]));
            if (a.BatchNorm)
                yield return ($"bn{i}", BatchNorm1d(a.HiddenLayers[i]));
            yield return ($"act{i}", ActivationLayer.Create(a.Activation));
            if (a.HiddenDropout > 0)
                yield return ($"drop{i}", Dropout(a.HiddenDropout));
            previous = a.HiddenLayers[i];
        }
        yield return ("out", Linear(previous, outputs));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            layers.Dispose();
        base.Dispose(disposing);
    }
}
