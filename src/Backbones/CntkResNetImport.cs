using static TorchSharp.torch;

namespace MlNetTriplet.Backbones;

/// <summary>Reads CNTK's ImageNet ResNet-18 (the ONNX files of <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>) as a
/// state_dict with torchvision's names, and its preprocessing's mean image.</summary>
/// <remarks>Names follow the graph's structure, not its initializer names: the first Conv + BatchNormalization pair is
/// the stem; each residual Add closes a block; a block with a 1 x 1 convolution (the projection shortcut) starts a
/// new layer, and so does the first block. Within a block the 3 x 3 convolutions are conv1 and conv2 in graph order,
/// the 1 x 1 one is downsample. The shapes are then checked against the network like any weights file.</remarks>
internal static class CntkResNetImport
{
    /// <summary>The mean image's size: the model was exported for 224 x 224 inputs.</summary>
    public const int ImageSize = 224;

    public static Dictionary<string, Tensor> ReadWeights(string modelPath)
    {
        var graph = OnnxGraph.Read(modelPath);
        var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            var convolutions = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
            var block = new List<(OnnxTensor Conv, OnnxNode Norm)>();
            (OnnxTensor Conv, OnnxNode Norm)? stem = null;
            int layer = 0, index = 0;
            foreach (var node in graph.Nodes)
            {
                switch (node.OpType)
                {
                    case "Conv":
                        var weight = Initializer(graph, node.Inputs[1], modelPath);
                        convolutions[node.Outputs[0]] = weight.Dims.Length == 4 ? weight
                            : throw NotCntkResNet(modelPath, $"convolution weight '{weight.Name}' is not 4-D");
                        break;
                    case "BatchNormalization":
                        var conv = convolutions.GetValueOrDefault(node.Inputs[0]) ?? throw NotCntkResNet(modelPath,
                            $"batch norm '{node.Outputs[0]}' does not follow a convolution");
                        if (stem is null)
                            stem = (conv, node);
                        else
                            block.Add((conv, node));
                        break;
                    case "Add" when stem is { } first:
                        if (layer == 0)
                            AddPair(weights, graph, modelPath, first, "conv1", "bn1");
                        bool projection = block.Any(p => p.Conv.Dims[^1] == 1);
                        (layer, index) = layer == 0 || projection ? (layer + 1, 0) : (layer, index + 1);
                        AddBlock(weights, graph, modelPath, block, $"layer{layer}.{index}.");
                        block.Clear();
                        break;
                }
            }
            if (layer == 0 || block.Count > 0)
                throw NotCntkResNet(modelPath, "expected convolution + batch norm pairs closed by residual additions");
            return weights;
        }
        catch
        {
            foreach (var t in weights.Values)
                t.Dispose();
            throw;
        }
    }

    /// <summary>The preprocessing graph's mean image, 1 x 3 x 224 x 224 in BGR order (subtracted from BGR 0-255
    /// pixels); the graph must reorder RGB to BGR, as ResNetPreprocess.onnx does.</summary>
    public static Tensor ReadMeanImage(string preprocessPath)
    {
        var graph = OnnxGraph.Read(preprocessPath);
        var split = graph.Nodes.FirstOrDefault(n => n.OpType == "Split");
        var concat = graph.Nodes.FirstOrDefault(n => n.OpType == "Concat");
        var order = split is null || concat is null ? [] : concat.Inputs.Select(i => split.Outputs.ToList().IndexOf(i)).ToArray();
        if (!order.SequenceEqual([2, 1, 0]))
            throw NotCntkResNet(preprocessPath, "expected a Split + Concat that turns RGB into BGR");
        var sub = graph.Nodes.FirstOrDefault(n => n.OpType == "Sub" && n.Inputs.Count == 2 && graph.Initializers.ContainsKey(n.Inputs[1]))
                  ?? throw NotCntkResNet(preprocessPath, "expected a Sub of a mean image");
        var mean = graph.Initializers[sub.Inputs[1]];
        if (mean.Values.Length != 3 * ImageSize * ImageSize)
            throw NotCntkResNet(preprocessPath,
                $"the mean image '{mean.Name}' is [{string.Join(", ", mean.Dims)}], expected [1, 3, {ImageSize}, {ImageSize}]");
        return tensor(mean.Values, [1, 3, ImageSize, ImageSize]);
    }

    private static void AddBlock(Dictionary<string, Tensor> weights, OnnxGraph graph, string path,
        List<(OnnxTensor Conv, OnnxNode Norm)> block, string prefix)
    {
        var main = block.Where(p => p.Conv.Dims[^1] != 1).ToList();
        var shortcut = block.Where(p => p.Conv.Dims[^1] == 1).ToList();
        if (main.Count != 2 || shortcut.Count > 1)
            throw NotCntkResNet(path, $"block {prefix.TrimEnd('.')} has {main.Count} 3 x 3 and {shortcut.Count} 1 x 1 convolutions, expected 2 and at most 1");
        AddPair(weights, graph, path, main[0], prefix + "conv1", prefix + "bn1");
        AddPair(weights, graph, path, main[1], prefix + "conv2", prefix + "bn2");
        if (shortcut.Count == 1)
            AddPair(weights, graph, path, shortcut[0], prefix + "downsample.0", prefix + "downsample.1");
    }

    /// <summary>A convolution (no bias) and its batch norm; ONNX's inputs are x, scale, B, mean, var.</summary>
    private static void AddPair(Dictionary<string, Tensor> weights, OnnxGraph graph, string path,
        (OnnxTensor Conv, OnnxNode Norm) pair, string conv, string norm)
    {
        weights[conv + ".weight"] = ToTensor(pair.Conv);
        string[] fields = ["weight", "bias", "running_mean", "running_var"];
        if (pair.Norm.Inputs.Count != 5)
            throw NotCntkResNet(path, $"batch norm '{pair.Norm.Outputs[0]}' has {pair.Norm.Inputs.Count} inputs, expected 5");
        for (int i = 0; i < fields.Length; i++)
            weights[$"{norm}.{fields[i]}"] = ToTensor(Initializer(graph, pair.Norm.Inputs[i + 1], path));
    }

    private static OnnxTensor Initializer(OnnxGraph graph, string name, string path) =>
        graph.Initializers.GetValueOrDefault(name) ?? throw NotCntkResNet(path, $"no float32 initializer '{name}'");

    private static Tensor ToTensor(OnnxTensor t) => tensor(t.Values, t.Dims);

    private static InvalidDataException NotCntkResNet(string path, string detail) =>
        new($"'{path}' is not the CNTK ResNet-18 of {FeaturizerFiles.PackageId} that this import expects: {detail}.");
}
