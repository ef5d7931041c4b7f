using Microsoft.ML;
using MlNetTriplet.Data;

namespace MlNetTriplet.Plots;

/// <summary>Reads what a plot needs from an <see cref="IDataView"/>: 2-D points and each row's label as display text,
/// in one pass through <see cref="EmbeddingReader"/> (keys show the values they stand for).</summary>
internal static class ColumnReader
{
    /// <summary>Row-major x, y pairs from a <c>Vector&lt;Single, 2&gt;</c> column, and the labels' texts
    /// ("(missing)" for ML.NET's missing value).</summary>
    public static (float[] Points, List<string> Labels) PointsAndLabels(IDataView data, string pointColumnName,
        string labelColumnName)
    {
        EmbeddingReader.CheckSchema(data.Schema, pointColumnName, [(labelColumnName, "label")], 2, "point");
        var (rows, count, columns) = EmbeddingReader.Read(data, pointColumnName, 2, [labelColumnName], "Plot data");
        var labels = columns[0];
        return (rows[..(count * 2)],
            labels.Ids.Take(count).Select(id => labels.Missing[id] ? "(missing)" : labels.Texts[id]).ToList());
    }
}
