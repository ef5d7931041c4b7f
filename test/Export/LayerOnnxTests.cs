using Microsoft.ML;
using MlNetTriplet.Backbones;
using MlNetTriplet.Export;
using MlNetTriplet.Networks;
using MlNetTriplet.Networks.Layers;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MlNetTriplet.Tests.Export;

/// <summary>Each network part's ONNX nodes against its TorchSharp forward, in ONNX Runtime, on random input (batch
/// norms with random running statistics). The architectures are built from every value of their option enums, so a
/// layer kind added without its export fails here.</summary>
[TestClass]
public sealed class LayerOnnxTests
{
    private static readonly MLContext Ml = new(seed: 1);
    private readonly List<byte[]> _exported = [];

    [TestMethod]
    public void Convolution_PaddingStrideGroupsAndEvenSamePadding_MatchTorch()
    {
        Check(ConvolutionLayer.Create(new ConvBlock { Filters = 5, KernelSize = 3 }, 3), [2, 3, 11, 9]);
        Check(ConvolutionLayer.Create(new ConvBlock { Filters = 4, KernelSize = 5, Stride = 2, Padding = 0 }, 3), [2, 3, 13, 12]);
        Check(ConvolutionLayer.Create(new ConvBlock { Filters = 4, KernelSize = 4, SamePadding = true }, 2), [2, 2, 9, 10]);
        Check(Conv2d(6, 6, 3, padding: 1, groups: 6, bias: false), [2, 6, 8, 8]);   // MobileNetV2's depthwise convolution
    }

    [TestMethod]
    public void BatchNorm_InInferenceFormWithRunningStatistics_MatchesTorch()
    {
        Check(WithStatistics(BatchNorm2d(5)), [3, 5, 4, 4]);
        Check(WithStatistics(BatchNorm1d(7)), [4, 7]);
    }

    [TestMethod]
    public void Pooling_EveryKindOfConvBlockAndResNetsStemAndGlobal_MatchTorch()
    {
        foreach (var pooling in Enum.GetValues<Pooling>().Where(p => p != Pooling.None))
            Check(PoolingLayer.Create(new ConvBlock { Pooling = pooling, PoolSize = 2 })!, [2, 3, 9, 8]);
        Check(MaxPool2d(3, stride: 2, padding: 1), [2, 3, 16, 16]);
        Check(AdaptiveAvgPool2d(1), [2, 3, 5, 7]);
    }

    [TestMethod]
    public void DenseFlattenAndDropout_MatchTorch()
    {
        Check(Linear(12, 5), [3, 12]);
        Check(Sequential(("flatten", Flatten()), ("drop", Dropout(0.5)), ("fc", Linear(2 * 3 * 4, 6))), [2, 2, 3, 4]);
    }

    [TestMethod]
    public void Activations_EveryActivationAndReLU6_MatchTorch()
    {
        foreach (var activation in Enum.GetValues<Activation>())
            Check(ActivationLayer.Create(activation), [4, 6], scale: 3);
        Check(ReLU6(), [4, 6], scale: 5);
    }

    [TestMethod]
    public void L2Normalization_IncludingAZeroRow_MatchesTorch()
    {
        using var normalize = new L2Normalization();
        using var rows = randn(3, 8);
        using (no_grad())
            rows[1].zero_();
        Check(normalize, rows);
    }

    [TestMethod]
    public void InputNormalization_ImageNetAndCntkMeanImage_MatchTorch()
    {
        Check(new InputNormalization(Spec(BackboneArchitecture.ResNet18)), [2, 3, 40, 36], images: true);
        using var cntk = new InputNormalization(Spec(BackboneArchitecture.ResNet18Cntk));
        using (var meanImage = rand(1, 3, 224, 224).mul_(255))
            cntk.SetMeanImage(meanImage);
        Check(cntk, [2, 3, 224, 224], images: true);
    }

    [TestMethod]
    public void ResidualBlocks_BasicBottleneckInvertedAndCntk_MatchTorch()
    {
        using var resnet18 = BackboneModule.Create(Spec(BackboneArchitecture.ResNet18));
        Check(WithStatistics(resnet18.Block(1)), [2, 64, 8, 8]);                 // layer1: BasicBlocks, no downsample
        Check(WithStatistics(resnet18.Block(2)), [2, 64, 8, 8]);                 // layer2: the first block downsamples
        using var resnet50 = BackboneModule.Create(Spec(BackboneArchitecture.ResNet50));
        Check(WithStatistics(resnet50.Block(1)), [2, 64, 8, 8]);                 // Bottlenecks
        using var mobileNet = BackboneModule.Create(Spec(BackboneArchitecture.MobileNetV2));
        Check(WithStatistics(mobileNet.Block(2)), [2, 16, 8, 8]);                // stride 2: no residual
        Check(WithStatistics(mobileNet.Block(3)), [2, 24, 8, 8]);                // residual
        using var cntk = BackboneModule.Create(Spec(BackboneArchitecture.ResNet18Cntk));
        Check(WithStatistics(cntk.Block(4)), [2, 256, 8, 8]);                    // layer4: three CNTK blocks
    }

    [TestMethod]
    public void Backbones_EveryArchitecture_FeatureMapsMatchTorch()
    {
        foreach (var architecture in Enum.GetValues<BackboneArchitecture>())
        {
            var spec = Spec(architecture);
            using var backbone = BackboneModule.Create(spec);
            Check(WithStatistics(backbone), [2, 3, spec.ImageSize, spec.ImageSize], images: true);
        }
    }

    [TestMethod]
    public void Cnn_EveryActivationPoolingAndHead_MatchesTorch()
    {
        foreach (var head in Enum.GetValues<CnnHead>())
            foreach (var activation in Enum.GetValues<Activation>())
            {
                var architecture = new CnnArchitecture
                {
                    Blocks =
                    [
                        new ConvBlock { Filters = 4, Activation = activation, BatchNorm = true, Pooling = Pooling.Max, Dropout = 0.1f },
                        new ConvBlock { Filters = 6, KernelSize = 4, SamePadding = true, Activation = activation, Pooling = Pooling.Average },
                        new ConvBlock { Filters = 5, KernelSize = 3, Stride = 2, Padding = 0, Activation = activation, Pooling = Pooling.None },
                    ],
                    Head = head, DenseUnits = [9, 7], DenseActivation = activation, HeadDropout = 0.3f,
                };
                using var cnn = new CnnModule(architecture, new ImageShape(2, 20, 18), 4);
                Check(WithStatistics(cnn), [3, 2, 20, 18]);
            }
    }

    [TestMethod]
    public void MlpAndEmbeddingNetworks_WithBatchNormDropoutActivationAndL2_MatchTorch()
    {
        foreach (var activation in Enum.GetValues<Activation>())
        {
            var mlp = new MlpArchitecture
            {
                HiddenLayers = [16, 8], Activation = activation, BatchNorm = true, InputDropout = 0.1f, HiddenDropout = 0.2f,
            };
            using var classifier = new MlpModule(mlp, 10, 3);
            Check(WithStatistics(classifier), [5, 10]);
            using var embedding = new EmbeddingNetwork(new EmbeddingNetworkSpec(10, null, null, mlp, 6, activation, Normalize: true));
            Check(WithStatistics(embedding), [5, 10]);
        }
        using var cnnEmbedding = new EmbeddingNetwork(new EmbeddingNetworkSpec(1 * 12 * 12, new ImageShape(1, 12, 12),
            new CnnArchitecture { Blocks = [new ConvBlock { Filters = 4, BatchNorm = true }], DenseUnits = [10] }, null, 5, null, Normalize: true));
        Check(WithStatistics(cnnEmbedding), [3, 1, 12, 12]);
    }

    /// <summary>Every graph a test wrote passes the ONNX checker too.</summary>
    [TestCleanup]
    public void CheckExportedGraphs() => OnnxChecker.AssertValid([.. _exported]);

    private static BackboneSpec Spec(BackboneArchitecture architecture) => architecture == BackboneArchitecture.ResNet18Cntk
        ? new BackboneSpec("cntk test", architecture, BackbonePreprocessing.CntkBgrMeanImage)
        : new BackboneSpec($"{architecture} test", architecture, BackbonePreprocessing.TorchVisionImageNet, ImageSize: 64);

    /// <summary>Random running statistics and affine weights for every batch norm of <paramref name="module"/>: fresh
    /// ones (mean 0, variance 1, weight 1, bias 0) would hide a mistake in the inference form.</summary>
    private static T WithStatistics<T>(T module) where T : nn.Module
    {
        using var noGrad = no_grad();
        foreach (var norm in module.modules().Prepend(module).OfType<TorchSharp.Modules.NormBase>())
        {
            norm.running_mean!.copy_(randn_like(norm.running_mean).mul_(0.2));
            norm.running_var!.copy_(rand_like(norm.running_var).add_(0.5));
            norm.weight.copy_(rand_like(norm.weight).add_(0.5));
            norm.bias!.copy_(randn_like(norm.bias).mul_(0.1));
        }
        return module;
    }

    private void Check(nn.Module module, long[] shape, double scale = 1, bool images = false)
    {
        using var input = images ? rand(shape) : randn(shape).mul_(scale);
        Check(module, input);
    }

    /// <summary>Exports <paramref name="module"/> alone, runs it in ONNX Runtime on <paramref name="input"/> and
    /// compares with its forward in eval mode: within 1e-4 of the output's magnitude (at least 1).</summary>
    private void Check(nn.Module module, Tensor input)
    {
        module.eval();
        float[] expected;
        long[] outputShape;
        using (no_grad())
        using (var output = ((nn.Module<Tensor, Tensor>)module).call(input))
        {
            expected = output.contiguous().data<float>().ToArray();
            outputShape = output.shape;
        }
        string name = module.GetType().Name;
        byte[] model = OnnxExporter.Part(Ml, name, module, input.shape[1..], outputShape[1..], OnnxExportOptions.MaximumOpSetVersion);
        _exported.Add(model);
        var outputs = OnnxRuntimeRun.Run(model,
            [OnnxRuntimeRun.Floats("x", input.contiguous().data<float>().ToArray(), [.. input.shape.Select(d => (int)d)])]);
        double magnitude = Math.Max(1, expected.Max(Math.Abs));
        Differences.AssertWithin(expected, (float[])outputs.Values.Single(), 1e-4 * magnitude,
            $"{name} [{string.Join(", ", input.shape)}] (largest output {magnitude:G3})");
    }
}
