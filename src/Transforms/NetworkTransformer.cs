using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using MlNetTriplet.Batches;
using MlNetTriplet.Export;
using MlNetTriplet.Images;
using MlNetTriplet.Networks.Layers;
using MlNetTriplet.Transforms;
using static TorchSharp.torch;

namespace MlNetTriplet;

/// <summary>Base of the transformers that hold a trained network: the batched mapping runs it, the training history
/// travels with it, and disposing the transformer frees the network's native memory.</summary>
public abstract class NetworkTransformer : BatchedTransformer, IDisposable
{
    private readonly NetworkRunner _runner;
    private bool _disposed;

    private protected NetworkTransformer(NetworkRunner runner, BatchedMapping mapping, TrainingHistory? history)
    {
        _runner = runner;
        Mapping = mapping;
        History = history;
    }

    private protected sealed override BatchedMapping Mapping { get; }

    /// <summary>Per-epoch figures of the training run that produced this model (kept in the saved zip).</summary>
    public TrainingHistory? History { get; }

    /// <summary>The trained network.</summary>
    private protected nn.Module<Tensor, Tensor> Network => _runner.Module;

    /// <summary>What an ONNX file of this network says besides its nodes.</summary>
    internal abstract NetworkOnnxDescription OnnxDescription { get; }

    /// <summary>Frees the network's native memory.</summary>
    public void Dispose()
    {
        _disposed = true;
        _runner.Dispose();
    }

    internal sealed override void SaveAsOnnx(OnnxContext ctx, IDataView source)
    {
        var description = OnnxDescription;
        if (Mapping.Input is ImageInput && source.Schema.GetColumnOrNull(Mapping.Input.Name) is { Type: not VectorDataViewType } photos)
            throw OnnxSteps.PhotoDecoding(description, photos);
        if (!ctx.ContainsColumn(Mapping.Input.Name))
            throw OnnxSteps.InputNotConverted(description, source);
        WriteOnnx(ctx);
    }

    /// <summary>Writes the network on the variable of its input column: reshaped to the network's rows when the
    /// variable holds them flat (an ML.NET vector column), then the network in inference form, then the columns this
    /// transformer adds, under their ML.NET names.</summary>
    internal void WriteOnnx(OnnxContext ctx)
    {
        if (_disposed)
            throw new ObjectDisposedException(GetType().Name, $"This {GetType().Name} was disposed: its network's weights are freed, so there is nothing to export. Export before disposing.");
        var description = OnnxDescription;
        var onnx = new OnnxGraphWriter(ctx, description.Kind);
        string input = ctx.GetVariableName(Mapping.Input.Name);
        long[] rows = [-1, .. description.RowShape];
        if (ctx.RetrieveShapeOrNull(input) is not { } shape || !shape.SequenceEqual(rows))
            input = onnx.Node("Reshape", [input, onnx.Int64s("row_shape", rows, rows.Length)]);
        WriteOnnxOutputs(onnx, input);
    }

    /// <summary>The network's nodes on <paramref name="input"/> (N x row shape) and this transformer's columns
    /// (declared with <see cref="OnnxColumn"/>).</summary>
    private protected abstract void WriteOnnxOutputs(OnnxGraphWriter onnx, string input);

    /// <summary>The nodes of the whole network, as <see cref="nn.Module{T, TResult}.forward"/> computes it.</summary>
    private protected string OnnxNetwork(OnnxGraphWriter onnx, string input) => OnnxLayers.Export(onnx, "network", Network, input);

    /// <summary>A classifier's class names (its label values as text), or null when it was trained on a key without values.</summary>
    private protected static IReadOnlyList<string>? ClassNames(Data.KeyValues? labelValues) =>
        labelValues?.AsText().Select(v => v.ToString()).ToArray();

    /// <summary>The variable of the output column <paramref name="name"/>, declared with the column's type.</summary>
    private protected string OnnxColumn(OnnxGraphWriter onnx, string name) =>
        onnx.Column(name, Mapping.Outputs.Single(o => o.Name == name).Type);
}
