using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.CamBench;

/// <summary>What one pass of a cursor over a classifier + map pipeline gives per row.</summary>
internal sealed record CamRow(float[] Scores, uint Predicted, float[] Map, uint Explained, float[] Box, float[]? Image);

internal static class CamRows
{
    /// <summary>Reads Score, PredictedLabel, the map, the explained label, the box (when the column exists) and the
    /// prepared image (when asked for) in one pass.</summary>
    public static List<CamRow> Read(IDataView data, string map = "ActivationMap", string explained = "ExplainedLabel",
        string box = "Box", string? image = null)
    {
        var schema = data.Schema;
        var columns = new[] { "Score", "PredictedLabel", map, explained }
            .Concat(schema.GetColumnOrNull(box) is null ? [] : [box]).Concat(image is null ? [] : [image])
            .Select(n => schema[n]).ToList();
        using var cursor = data.GetRowCursor(columns);
        var scores = cursor.GetGetter<VBuffer<float>>(schema["Score"]);
        var predicted = cursor.GetGetter<uint>(schema["PredictedLabel"]);
        var maps = cursor.GetGetter<VBuffer<float>>(schema[map]);
        var classes = cursor.GetGetter<uint>(schema[explained]);
        var boxes = schema.GetColumnOrNull(box) is { } b ? cursor.GetGetter<VBuffer<float>>(b) : null;
        var images = image is null ? null : cursor.GetGetter<VBuffer<float>>(schema[image]);
        var rows = new List<CamRow>();
        VBuffer<float> s = default, m = default, x = default, i = default;
        uint p = 0, e = 0;
        while (cursor.MoveNext())
        {
            scores(ref s);
            predicted(ref p);
            maps(ref m);
            classes(ref e);
            boxes?.Invoke(ref x);
            images?.Invoke(ref i);
            rows.Add(new CamRow(s.DenseValues().ToArray(), p, m.DenseValues().ToArray(), e,
                boxes is null ? [] : x.DenseValues().ToArray(), images is null ? null : i.DenseValues().ToArray()));
        }
        return rows;
    }
}
