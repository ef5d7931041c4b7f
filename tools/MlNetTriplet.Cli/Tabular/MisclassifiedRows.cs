using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Cli.Tabular;

/// <summary>A wrong prediction, with the row as the file has it.</summary>
/// <param name="Values">The file's columns, as text.</param>
/// <param name="Truth">The true class.</param>
/// <param name="Predicted">The predicted class.</param>
/// <param name="Confidence">The probability the model gave the predicted class.</param>
internal sealed record MisclassifiedRow(IReadOnlyList<string> Values, string Truth, string Predicted, double Confidence);

/// <summary>The network's most confident mistakes on scored rows: what it got wrong while being sure.</summary>
internal static class MisclassifiedRows
{
    /// <summary>Reads <paramref name="scored"/> once, keeps the wrong rows and returns the <paramref name="count"/> the
    /// model was surest of. Binary: Boolean label, <c>PredictedLabel</c> and <c>Probability</c>; multiclass: key label,
    /// key <c>PredictedLabel</c> and the <c>Score</c> probabilities.</summary>
    public static List<MisclassifiedRow> MostConfident(IDataView scored, TableSchema schema, IReadOnlyList<string> classNames, int count)
    {
        var wrong = new List<MisclassifiedRow>();
        var columns = schema.Columns.Select(c => scored.Schema[c.Name]).ToList();
        var label = scored.Schema[TableSchema.LabelColumn];
        var needed = columns.Append(label).Append(scored.Schema["PredictedLabel"])
            .Append(scored.Schema[schema.Label.IsBinary ? "Probability" : "Score"]);
        using var cursor = scored.GetRowCursor(needed);
        var texts = columns.Select(c => TextGetter(cursor, c)).ToList();
        Func<(string Truth, string Predicted, double Confidence)> outcome = schema.Label.IsBinary
            ? BinaryOutcome(cursor, label, scored.Schema, classNames)
            : MulticlassOutcome(cursor, label, scored.Schema, classNames);
        while (cursor.MoveNext())
        {
            var (truth, predicted, confidence) = outcome();
            if (truth != predicted)
                wrong.Add(new MisclassifiedRow(texts.Select(t => t()).ToList(), truth, predicted, confidence));
        }
        return wrong.OrderByDescending(w => w.Confidence).Take(count).ToList();
    }

    private static Func<(string, string, double)> BinaryOutcome(DataViewRowCursor cursor, DataViewSchema.Column label,
        DataViewSchema schema, IReadOnlyList<string> classNames)
    {
        var truth = cursor.GetGetter<bool>(label);
        var predicted = cursor.GetGetter<bool>(schema["PredictedLabel"]);
        var probability = cursor.GetGetter<float>(schema["Probability"]);
        bool t = false, p = false;
        float probabilityOfPositive = 0;
        return () =>
        {
            truth(ref t);
            predicted(ref p);
            probability(ref probabilityOfPositive);
            // Binary class names are positive first.
            return (classNames[t ? 0 : 1], classNames[p ? 0 : 1], p ? probabilityOfPositive : 1 - probabilityOfPositive);
        };
    }

    private static Func<(string, string, double)> MulticlassOutcome(DataViewRowCursor cursor, DataViewSchema.Column label,
        DataViewSchema schema, IReadOnlyList<string> classNames)
    {
        var truth = cursor.GetGetter<uint>(label);
        var predicted = cursor.GetGetter<uint>(schema["PredictedLabel"]);
        var score = cursor.GetGetter<VBuffer<float>>(schema["Score"]);
        uint t = 0, p = 0;
        VBuffer<float> scores = default;
        return () =>
        {
            truth(ref t);
            predicted(ref p);
            score(ref scores);
            return (classNames[(int)t - 1], classNames[(int)p - 1], scores.GetItemOrDefault((int)p - 1));
        };
    }

    /// <summary>A column's value as the file would show it (numbers compactly, NaN as an empty cell).</summary>
    private static Func<string> TextGetter(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type == NumberDataViewType.Single)
        {
            var getter = cursor.GetGetter<float>(column);
            float value = 0;
            return () =>
            {
                getter(ref value);
                return float.IsNaN(value) ? "" : value.ToString("G7", CultureInfo.InvariantCulture);
            };
        }
        var text = cursor.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> cell = default;
        return () =>
        {
            text(ref cell);
            return cell.ToString();
        };
    }
}
