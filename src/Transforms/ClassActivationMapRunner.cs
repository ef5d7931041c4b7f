using MlNetTriplet.Explain;
using static TorchSharp.torch;

namespace MlNetTriplet.Transforms;

/// <summary>Computes class activation maps on batches of flat image rows, from any thread: one lock around each batch
/// (as <see cref="NetworkRunner"/>), since gradient methods run their own forward and backward passes with gradients
/// switched on, which <see cref="NetworkRunner"/>'s no_grad forward cannot give. A row's output is the map
/// (H x W), the explained class index, then the box (4 values) and the prepared image (C x H x W) when asked for.</summary>
internal sealed class ClassActivationMapRunner : IBatchMapper
{
    private readonly ExplainedNetwork _network;
    private readonly ClassActivationMap _method;
    private readonly int _layer, _classIndex, _mapSize;
    private readonly CamTargetKind _target;
    private readonly float? _boxThreshold;
    private readonly bool _withImage;
    private readonly BoxFinder _boxes;
    private readonly Lock _lock = new();

    /// <param name="network">The classifier's network, split for the maps.</param>
    /// <param name="method">The method.</param>
    /// <param name="layer">The block read.</param>
    /// <param name="target">What is explained.</param>
    /// <param name="classIndex">The class a named target resolves to (ignored otherwise).</param>
    /// <param name="boxThreshold">Share of the maximum for the box; null adds no box.</param>
    /// <param name="withImage">Whether rows end with the prepared image.</param>
    public ClassActivationMapRunner(ExplainedNetwork network, ClassActivationMap method, int layer, CamTargetKind target,
        int classIndex, float? boxThreshold, bool withImage)
    {
        (_network, _method, _layer, _target, _classIndex, _boxThreshold, _withImage) =
            (network, method, layer, target, classIndex, boxThreshold, withImage);
        var shape = network.InputShape;
        _mapSize = shape.Height * shape.Width;
        _boxes = new BoxFinder(shape.Height, shape.Width);
        InputWidth = shape.Size;
        OutputWidth = ClassOffset + 1 + (boxThreshold is null ? 0 : ActivationBox.Size) + (withImage ? shape.Size : 0);
    }

    public int InputWidth { get; }
    public int OutputWidth { get; }

    /// <summary>Where a row's explained class index is (after the map).</summary>
    public int ClassOffset => _mapSize;

    /// <summary>Where a row's box is.</summary>
    public int BoxOffset => ClassOffset + 1;

    /// <summary>Where a row's prepared image is.</summary>
    public int ImageOffset => BoxOffset + (_boxThreshold is null ? 0 : ActivationBox.Size);

    public void Run(float[] input, int rows, float[] output)
    {
        var shape = _network.InputShape;
        lock (_lock)
        {
            using var scope = NewDisposeScope();
            var x = tensor(input.AsMemory(0, rows * InputWidth), [rows, shape.Channels, shape.Height, shape.Width])
                .to(_network.Device);
            var (maps, classes) = _method.Compute(_network, _layer, _target, _classIndex, x, shape.Height, shape.Width);
            var parts = new List<Tensor> { maps.flatten(1), classes.to(float32).unsqueeze(1) };
            if (_boxThreshold is not null)
                parts.Add(zeros(rows, ActivationBox.Size, device: maps.device));
            if (_withImage)
                parts.Add(x.flatten(1));
            cat(parts, 1).cpu().contiguous().data<float>().CopyTo(output.AsSpan(0, rows * OutputWidth));
            if (_boxThreshold is { } threshold)
                for (int r = 0; r < rows; r++)
                {
                    var row = output.AsSpan(r * OutputWidth, OutputWidth);
                    _boxes.Find(row[.._mapSize], threshold).CopyTo(row[BoxOffset..]);
                }
        }
    }
}
