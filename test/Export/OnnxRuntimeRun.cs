using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MlNetTriplet.Tests.Export;

/// <summary>Runs an ONNX model in ONNX Runtime (CPU, 2 intra-op threads), the way a caller outside .NET and ML.NET would.</summary>
internal static class OnnxRuntimeRun
{
    public static SessionOptions Options() => new() { IntraOpNumThreads = 2, InterOpNumThreads = 1 };

    /// <summary>A float32 input.</summary>
    public static NamedOnnxValue Floats(string name, float[] values, params int[] shape) =>
        NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(values, shape));

    /// <summary>A uint32 input (an ML.NET key or UInt32 column).</summary>
    public static NamedOnnxValue UInts(string name, uint[] values, params int[] shape) =>
        NamedOnnxValue.CreateFromTensor(name, new DenseTensor<uint>(values, shape));

    /// <summary>A string input.</summary>
    public static NamedOnnxValue Strings(string name, string[] values, params int[] shape) =>
        NamedOnnxValue.CreateFromTensor(name, new DenseTensor<string>(values, shape));

    /// <summary>Every output of <paramref name="model"/> on <paramref name="inputs"/>, by name, as flat arrays
    /// (float[], uint[], bool[], string[], long[]).</summary>
    public static Dictionary<string, Array> Run(byte[] model, IReadOnlyCollection<NamedOnnxValue> inputs)
    {
        using var options = Options();
        using var session = new InferenceSession(model, options);
        using var outputs = session.Run(inputs);
        return outputs.ToDictionary(o => o.Name, o => Flat(o));
    }

    private static Array Flat(DisposableNamedOnnxValue value) => value.Value switch
    {
        Tensor<float> t => t.ToArray(),
        Tensor<uint> t => t.ToArray(),
        Tensor<bool> t => t.ToArray(),
        Tensor<long> t => t.ToArray(),
        Tensor<string> t => t.ToArray(),
        var other => throw new NotSupportedException($"output {value.Name} holds {other?.GetType()}"),
    };
}
