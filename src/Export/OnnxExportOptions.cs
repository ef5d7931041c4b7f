namespace MlNetTriplet;

/// <summary>Options of <c>mlContext.Model.ExportToOnnx</c> and <c>ExportNetworkToOnnx</c>.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>The lowest and highest opsets written: ML.NET's converter's range. ONNX Runtime 1.8 (the runtime of
    /// SynapseML 1.1.3's ONNXModel, the oldest consumer in view) reads up to opset 14.</summary>
    public const int MinimumOpSetVersion = 9, MaximumOpSetVersion = 12;

    /// <summary>ONNX operator set the graph is written in, <see cref="MinimumOpSetVersion"/> to
    /// <see cref="MaximumOpSetVersion"/>. Default 12, ML.NET's default.</summary>
    public int OpSetVersion { get; set; } = MaximumOpSetVersion;

    /// <summary>Columns the graph outputs, under their names. Default null: the columns this package's network
    /// transformers add (<c>Score</c>, <c>PredictedLabel</c>, <c>Probability</c>, <c>Embedding</c>, pooled features),
    /// as the pipeline leaves them (after a <c>MapKeyToValue</c>, <c>PredictedLabel</c> holds the label values).
    /// Only the nodes and input columns these outputs need stay in the graph.</summary>
    public IReadOnlyList<string>? OutputColumns { get; set; }

    internal void Validate()
    {
        if (OpSetVersion is < MinimumOpSetVersion or > MaximumOpSetVersion)
            throw new ArgumentOutOfRangeException(nameof(OpSetVersion), OpSetVersion,
                $"OnnxExportOptions.OpSetVersion must be {MinimumOpSetVersion} to {MaximumOpSetVersion}, the opsets ML.NET's ONNX converter writes; every layer of this package's networks exists from opset {MinimumOpSetVersion}.");
        if (OutputColumns is { Count: 0 })
            throw new ArgumentException("OnnxExportOptions.OutputColumns is empty: name at least one column, or leave it null for the network's columns.",
                nameof(OutputColumns));
    }
}
