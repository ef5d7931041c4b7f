using MlNetTriplet.Backbones;

namespace MlNetTriplet;

/// <summary>A pretrained backbone: its architecture, where its weights are, and the input it expects. The network
/// takes RGB in [0, 1]; the normalisation its weights were trained with is built in. Nothing is downloaded: the
/// weights are local files, read when a trainer builds the network.</summary>
public sealed record PretrainedBackbone
{
    private PretrainedBackbone(BackboneSpec spec, string weightsPath, string? preprocessingPath = null)
    {
        Spec = spec;
        WeightsPath = weightsPath;
        PreprocessingPath = preprocessingPath;
    }

    /// <summary>What the weights are, e.g. "resnet18-imagenet (CNTK, Microsoft.ML.DnnImageFeaturizer.ResNet18)".</summary>
    public string Name => Spec.Name;

    /// <summary>The network the weights are for.</summary>
    public BackboneArchitecture Architecture => Spec.Architecture;

    /// <summary>Side of the square crop the network takes: 224.</summary>
    public int ImageSize => Spec.ImageSize;

    /// <summary>Shorter side images are resized to before the centre crop, as torchvision evaluates: 256.</summary>
    public int ResizeShorterSide => Spec.ResizeShorterSide;

    internal BackboneSpec Spec { get; }

    internal string WeightsPath { get; }

    /// <summary>The CNTK model's preprocessing graph (its mean image); null for torchvision weights.</summary>
    internal string? PreprocessingPath { get; }

    /// <summary>The ImageNet-trained ResNet-18 that NuGet <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> ships as ONNX
    /// (CNTK's, blocks [2, 2, 2, 3], ~71% top-1), with its own preprocessing (BGR 0-255 minus a mean image) built in.
    /// Takes exactly 224 x 224 images.</summary>
    /// <param name="onnxModelPath">ResNet18.onnx; null looks in the application's folder, where the package's build
    /// copies it (DnnImageModels/ResNet18Onnx/ResNet18.onnx).</param>
    /// <param name="onnxPreprocessPath">ResNetPreprocess.onnx; null looks beside the model as the package lays it out
    /// (../ResNetPrepOnnx/ResNetPreprocess.onnx), then in the application's folder.</param>
    /// <exception cref="FileNotFoundException">A file is missing; the message gives the PackageReference to add.</exception>
    public static PretrainedBackbone ResNet18ImageNet(string? onnxModelPath = null, string? onnxPreprocessPath = null) =>
        ResNet18ImageNet(onnxModelPath, onnxPreprocessPath, AppContext.BaseDirectory);

    internal static PretrainedBackbone ResNet18ImageNet(string? onnxModelPath, string? onnxPreprocessPath,
        string applicationDirectory)
    {
        var (model, preprocess) = FeaturizerFiles.Locate(onnxModelPath, onnxPreprocessPath, applicationDirectory);
        return new PretrainedBackbone(new BackboneSpec($"resnet18-imagenet (CNTK, {FeaturizerFiles.PackageId})",
            BackboneArchitecture.ResNet18Cntk, BackbonePreprocessing.CntkBgrMeanImage), model, preprocess);
    }

    /// <summary>Your own weights for a torchvision architecture, from a <c>state_dict</c> file: PyTorch's
    /// <c>torch.save(model.state_dict(), path)</c> (.pt, .pth, .bin), safetensors (.safetensors), or TorchSharp's
    /// <c>Module.save</c> (.dat). Names are torchvision's; a classifier head in the file (<c>fc.*</c>,
    /// <c>classifier.*</c>) is ignored. torchvision's preprocessing (ImageNet mean and std) is built in.</summary>
    /// <param name="architecture">The network the file is for; not <see cref="BackboneArchitecture.ResNet18Cntk"/>,
    /// whose weights and preprocessing come from <see cref="ResNet18ImageNet(string?, string?)"/>.</param>
    /// <param name="weightsPath">The state_dict file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">Unknown extension, or <see cref="BackboneArchitecture.ResNet18Cntk"/>.</exception>
    /// <remarks>The tensors are read and checked against the architecture when a trainer builds the network, before
    /// any training: a file that does not fit fails listing the missing, unexpected and mis-shaped tensors.</remarks>
    public static PretrainedBackbone FromFile(BackboneArchitecture architecture, string weightsPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(weightsPath);
        if (!Enum.IsDefined(architecture))
            throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "Unknown backbone architecture.");
        if (architecture == BackboneArchitecture.ResNet18Cntk)
            throw new ArgumentException(
                "ResNet18Cntk's weights come with CNTK's preprocessing (BGR 0-255 minus a mean image) from " +
                "PretrainedBackbone.ResNet18ImageNet(); FromFile applies torchvision's, which they were not trained with.",
                nameof(architecture));
        WeightFiles.CheckPath(weightsPath, nameof(weightsPath));
        return new PretrainedBackbone(new BackboneSpec(
            $"{BackboneLayout.TorchVisionName(architecture)} ({Path.GetFileName(weightsPath)})", architecture,
            BackbonePreprocessing.TorchVisionImageNet), Path.GetFullPath(weightsPath));
    }
}
