using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Explain;

/// <summary>Runs a map transform and reads its columns, for the map tests.</summary>
internal static class CamMaps
{
    public static readonly MLContext Ml = new(seed: 1);

    /// <summary>The first <paramref name="count"/> scenes of seed <paramref name="seed"/> as a data view.</summary>
    public static IDataView Scenes(int count, int seed = 7) => ClutterScenes.ToDataView(Ml, ClutterScenes.Generate(count, seed));

    /// <summary>The maps and explained classes (0-based) of <paramref name="data"/>.</summary>
    public static (float[][] Maps, int[] Classes) Run(ITransformer classifier, ClassActivationMapOptions options, IDataView data)
    {
        using var transformer = Ml.Transforms.ClassActivationMaps(classifier, options).Fit(data);
        return Read(transformer.Transform(data), options);
    }

    public static (float[][] Maps, int[] Classes) Read(IDataView mapped, ClassActivationMapOptions options) =>
        (mapped.GetColumn<float[]>(options.OutputColumnName).ToArray(),
            mapped.GetColumn<uint>(options.ExplainedLabelColumnName).Select(k => (int)k - 1).ToArray());

    public static double MaxDifference(float[][] a, float[][] b) =>
        a.Zip(b).Max(p => p.First.Zip(p.Second).Max(q => Math.Abs(q.First - q.Second)));
}
