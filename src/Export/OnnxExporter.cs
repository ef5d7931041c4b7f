using System.Reflection;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using MlNetTriplet.Networks.Layers;

namespace MlNetTriplet.Export;

/// <summary>This package's two ONNX exports: a whole pipeline through ML.NET's converter (our transformers write
/// their networks into it, ML.NET its own featurizers), and one network alone on its prepared input. Both end with
/// <see cref="OnnxModelFinisher"/> and this package's <c>metadata_props</c>.</summary>
internal static class OnnxExporter
{
    private const string Producer = "MlNetTriplet";
    private static readonly string ProducerVersion =
        typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";

    public static OnnxModelInfo Pipeline(ModelOperationsCatalog catalog, ITransformer model, IDataView data, Stream stream,
        OnnxExportOptions options)
    {
        options.Validate();
        var networks = Networks(model).ToList();
        if (networks.Count == 0)
            throw NoNetwork(model);
        var proto = catalog.ConvertToOnnxProtobuf(model, data, options.OpSetVersion);
        var outputs = options.OutputColumns ?? networks.SelectMany(n => n.SharedMapping.Outputs.Select(o => o.Name)).Distinct().ToList();
        return Finish(proto, outputs, networks[^1].OnnxDescription, stream);
    }

    public static OnnxModelInfo Network(ModelOperationsCatalog catalog, ITransformer model, Stream stream, OnnxExportOptions options)
    {
        options.Validate();
        var networks = Networks(model).ToList();
        var network = networks.Count switch
        {
            0 => throw NoNetwork(model),
            1 => networks[0],
            _ => throw new ArgumentException(
                $"The model holds {networks.Count} networks ({string.Join(", ", networks.Select(n => n.GetType().Name))}); pass the one to export.", nameof(model)),
        };
        var description = network.OnnxDescription;
        var context = NewContext(catalog.GetEnvironment(), "model", options.OpSetVersion, description.InputColumn, description.RowShape);
        network.WriteOnnx(context);
        foreach (var output in network.SharedMapping.Outputs)
            context.AddOutputVariable(output.Type, context.GetVariableName(output.Name));
        return Finish(context.MakeModel(), options.OutputColumns ?? network.SharedMapping.Outputs.Select(o => o.Name).ToList(),
            description, stream);
    }

    /// <summary>One network part alone (input "x", one output), the way each part is checked against ONNX Runtime.</summary>
    internal static byte[] Part(IHostEnvironment env, string name, TorchSharp.torch.nn.Module part, long[] inputRowShape,
        long[] outputRowShape, int opSetVersion)
    {
        var context = NewContext(env, "part", opSetVersion, "x", inputRowShape);
        var onnx = new OnnxGraphWriter(context, "part");
        string y = onnx.Node("Identity", [OnnxLayers.Export(onnx, name, part, context.GetVariableName("x"))]);
        context.AddOutputVariable(NumberDataViewType.Single, y, [.. outputRowShape]);
        using var stream = new MemoryStream();
        context.MakeModel().WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>ML.NET's conversion context for a graph of our own, with one float32 input of rows shaped
    /// <paramref name="rowShape"/> (after the batch dimension).</summary>
    private static OnnxContextImpl NewContext(IHostEnvironment env, string name, int opSetVersion, string input, long[] rowShape)
    {
        var context = new OnnxContextImpl(env, name, Producer, ProducerVersion, 0, "mlnettriplet", OnnxVersion.Stable, opSetVersion);
        context.AddInputVariable(new VectorDataViewType(NumberDataViewType.Single, rowShape.Select(d => (int)d).ToArray()), input);
        return context;
    }

    private static OnnxModelInfo Finish(OnnxCSharpToProtoWrapper.ModelProto proto, IReadOnlyList<string> outputs,
        NetworkOnnxDescription network, Stream stream)
    {
        OnnxModelFinisher.Finish(proto, outputs);
        var inputs = proto.Graph.Input;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [OnnxModelInfo.ModelKindKey] = network.Kind,
            [OnnxModelInfo.InputShapeKey] = JsonSerializer.Serialize(inputs.ToDictionary(i => i.Name,
                i => i.Type.TensorType.Shape.Dim.Select(d => d.DimParam.Length > 0 ? -1 : d.DimValue))),
            // The network's own input is a graph input unless steps before it (ML.NET's featurizers) are in the graph.
            [OnnxModelInfo.PreprocessingKey] = inputs.Any(i => i.Name == network.InputColumn) ? network.Preprocessing
                : "Each input is the column of that name as the ML.NET pipeline takes it: the pipeline's steps before the " +
                  "network (ML.NET's featurizers) are inside the graph.",
        };
        if (network.ClassNames is { } names)
            metadata[OnnxModelInfo.ClassNamesKey] = JsonSerializer.Serialize(names);
        proto.MetadataProps.Clear();
        proto.MetadataProps.AddRange(metadata.Select(e => new OnnxCSharpToProtoWrapper.StringStringEntryProto { Key = e.Key, Value = e.Value }));
        proto.ProducerName = Producer;
        proto.ProducerVersion = ProducerVersion;
        proto.WriteTo(stream);
        return OnnxModelInfo.From(proto);
    }

    /// <summary>This package's networks in <paramref name="model"/>, in pipeline order (chains are searched inside).</summary>
    private static IEnumerable<NetworkTransformer> Networks(ITransformer model) => model switch
    {
        NetworkTransformer network => [network],
        IEnumerable<ITransformer> chain => chain.SelectMany(Networks),
        _ => [],
    };

    private static ArgumentException NoNetwork(ITransformer model) => new(
        $"The model ({model.GetType().Name}) holds no fitted network of this package: ExportToOnnx and ExportNetworkToOnnx export " +
        "pipelines with a CnnClassifierTransformer, TripletEmbeddingTransformer, TransferLearningTransformer or " +
        "NeuralNetworkTransformer (fit the estimator first). For other ML.NET pipelines use mlContext.Model.ConvertToOnnx.",
        nameof(model));
}
