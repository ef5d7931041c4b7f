using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet.Training;

/// <summary>An in-memory copy of a model's state (parameters and buffers), for early stopping's best weights.</summary>
internal sealed class WeightSnapshot : IDisposable
{
    private readonly Dictionary<string, Tensor> _state = new(StringComparer.Ordinal);

    public bool IsEmpty => _state.Count == 0;

    public void Capture(nn.Module model)
    {
        Clear();
        using var noGrad = no_grad();
        foreach (var (name, value) in model.state_dict())
            _state[name] = value.detach().clone().DetachFromDisposeScope();
    }

    public void Restore(nn.Module model)
    {
        using var noGrad = no_grad();
        var current = model.state_dict();
        foreach (var (name, value) in _state)
            current[name].copy_(value);
    }

    public void Save(BinaryWriter writer)
    {
        writer.Write(_state.Count);
        foreach (var (name, value) in _state)
        {
            writer.Write(name);
            value.Save(writer);
        }
    }

    public void Load(BinaryReader reader)
    {
        Clear();
        int count = reader.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            _state[name] = TensorExtensionMethods.Load(reader).DetachFromDisposeScope();
        }
    }

    private void Clear()
    {
        foreach (var t in _state.Values)
            t.Dispose();
        _state.Clear();
    }

    public void Dispose() => Clear();
}
