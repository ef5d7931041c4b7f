using System.Globalization;
using MlNetTriplet.Cli.Report;

namespace MlNetTriplet.Cli.Export;

/// <summary>The report's section on model.onnx: what it holds and takes, what to do to an input first, and how to score
/// it with ONNX Runtime in Python and C# (and Triton, when written).</summary>
internal static class OnnxSection
{
    public static void Add(HtmlReport report, OnnxOutcome onnx)
    {
        var info = onnx.Info;
        var section = report.Section("onnx", "ONNX model");
        section.Paragraph(onnx.WholePipeline
            ? "model.onnx holds the whole pipeline of model.zip (ML.NET's featurizers and the network): it takes the same " +
              "columns and gives the same outputs, for ONNX Runtime in any language, Spark (SynapseML's ONNXModel) or " +
              "Triton. model.onnx.json describes its inputs and outputs."
            : "model.onnx holds the network alone. " + FirstSentence(onnx.NetworkOnlyReason!) + ". So each input is " +
              "prepared as below, then the graph scores it; model.onnx.json describes its input and outputs and says why.");
        section.Table(["input", "type", "shape"], info.Inputs.Select(Row));
        section.Paragraph("Preprocessing: " + info.Preprocessing);
        section.Table(["output", "type", "shape"], info.Outputs.Select(Row));
        if (info.ClassNames is { } names)
            section.Note("Classes, in the order of Score's values" +
                (info.Outputs.Any(o => o.Name == "PredictedLabel" && o.ElementType == "uint32") ? " (PredictedLabel k, a uint32, is the k-th)" : "") +
                ": " + string.Join(", ", names) + ".");
        section.Note($"Opset {info.OpSetVersion}; the first dimension ({info.BatchDimension}, shown as -1) is the number of rows, any number per call.");
        section.SubHeading("Score it with ONNX Runtime (Python: pip install onnxruntime numpy)").Code(Python(info));
        section.SubHeading("Score it with ONNX Runtime (C#: dotnet add package Microsoft.ML.OnnxRuntime)").Code(CSharp(info));
        if (onnx.TritonModel is { } triton)
            section.SubHeading("Serve it with Triton Inference Server")
                .Paragraph($"A model repository was written to {Path.GetDirectoryName(triton)}: config.pbtxt (ONNX Runtime backend, " +
                           $"batches of up to {TritonRepository.MaxBatchSize} requests) and 1/model.onnx.")
                .Code($"tritonserver --model-repository={Path.GetDirectoryName(triton)}");
    }

    private static IReadOnlyList<string> Row(OnnxTensorInfo t) =>
        [t.Name, t.ElementType, "[" + string.Join(", ", t.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]"];

    private static string FirstSentence(string text)
    {
        int end = text.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }

    private static string Python(OnnxModelInfo info) =>
        "import numpy as np\nimport onnxruntime as ort\n\n" +
        "session = ort.InferenceSession(\"model.onnx\")\n" +
        "feeds = {\n" + string.Concat(info.Inputs.Select(i => $"    \"{i.Name}\": {PythonArray(i)},\n")) + "}  # one row; put yours here\n" +
        $"{string.Join(", ", info.Outputs.Select(o => Identifier(o.Name)))} = session.run(None, feeds)\n";

    private static string PythonArray(OnnxTensorInfo input)
    {
        string shape = "(" + string.Join(", ", input.Shape.Select(d => d < 0 ? "1" : d.ToString(CultureInfo.InvariantCulture))) + ")";
        return input.ElementType == "string" ? $"np.full({shape}, \"\", dtype=object)" : $"np.zeros({shape}, np.float32)";
    }

    private static string CSharp(OnnxModelInfo info) =>
        "using Microsoft.ML.OnnxRuntime;\nusing Microsoft.ML.OnnxRuntime.Tensors;\n\n" +
        "using var session = new InferenceSession(\"model.onnx\");\n" +
        "var inputs = new[]\n{\n" + string.Concat(info.Inputs.Select(i => $"    NamedOnnxValue.CreateFromTensor(\"{i.Name}\", {CSharpTensor(i)}),\n")) +
        "};  // one row; put yours here\n" +
        "using var results = session.Run(inputs);\n" +
        string.Concat(info.Outputs.Select(o =>
            $"var {Identifier(o.Name)} = results.First(r => r.Name == \"{o.Name}\").AsEnumerable<{CSharpType(o.ElementType)}>().ToArray();\n"));

    private static string CSharpTensor(OnnxTensorInfo input)
    {
        string dims = "new[] { " + string.Join(", ", input.Shape.Select(d => d < 0 ? "1" : d.ToString(CultureInfo.InvariantCulture))) + " }";
        return input.ElementType == "string"
            ? $"new DenseTensor<string>(new[] {{ \"\" }}, {dims})"
            : $"new DenseTensor<float>({dims})";
    }

    private static string CSharpType(string elementType) => elementType switch
    {
        "float32" => "float",
        "uint32" => "uint",
        "int64" => "long",
        "bool" => "bool",
        _ => "string",
    };

    private static string Identifier(string name) =>
        char.ToLowerInvariant(name[0]) + new string(name[1..].Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());
}
