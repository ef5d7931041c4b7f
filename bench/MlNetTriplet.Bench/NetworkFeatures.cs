using MlNetTriplet.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet.Bench;

/// <summary>Images through an embedding network or one of its inner layers, for what the package does not output:
/// the network as initialised (epoch 0), the last convolution block averaged over the image (pooled), and the dense
/// layer before the embedding (penultimate). The network is in eval mode (no dropout), as the package predicts.</summary>
internal static class NetworkFeatures
{
    private const int BatchRows = 256;

    /// <summary>The inner layers of a trained CNN embedding, named with their width.</summary>
    public static IReadOnlyList<(string Layer, Func<Tensor, Tensor> Forward)> InnerLayers(EmbeddingNetwork network)
    {
        network.eval();
        var cnn = (CnnModule)network.named_children().Single(c => c.name == "backbone").module;
        var head = cnn.Head.children().Cast<nn.Module<Tensor, Tensor>>().ToArray();
        Tensor Blocks(Tensor x) => cnn.ForwardThrough(x, cnn.BlockCount - 1);
        Tensor Penultimate(Tensor x)
        {
            var y = Blocks(x);
            foreach (var layer in head[..^1]) // flatten, the dense layers with their activation and dropout; not the embedding layer
                y = layer.call(y);
            return y;
        }
        return [("pooled last conv block", x => Blocks(x).mean([2, 3])), ("dense layer before the embedding", Penultimate)];
    }

    /// <summary>The outputs of <paramref name="forward"/> for every image, in batches, without gradients.</summary>
    public static float[][] Run(Func<Tensor, Tensor> forward, float[][] images, ImageShape shape)
    {
        var outputs = new float[images.Length][];
        using var noGrad = no_grad();
        for (int start = 0; start < images.Length; start += BatchRows)
        {
            using var scope = NewDisposeScope();
            int count = Math.Min(BatchRows, images.Length - start);
            var flat = new float[(long)count * shape.Size];
            for (int i = 0; i < count; i++)
                images[start + i].CopyTo(flat, (long)i * shape.Size);
            var y = forward(tensor(flat, [count, shape.Channels, shape.Height, shape.Width])).contiguous();
            var values = y.data<float>().ToArray();
            int width = values.Length / count;
            for (int i = 0; i < count; i++)
                outputs[start + i] = values.AsSpan(i * width, width).ToArray();
        }
        return outputs;
    }
}
