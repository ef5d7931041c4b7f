using System.Globalization;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace MlNetTriplet.Plots;

public static partial class TrainingPlots
{
    /// <summary>Saves precision-recall curves as a PNG: one line per curve with its average precision in the legend,
    /// and the first curve's positive rate as the chance line. Colours follow <see cref="SaveRocCurves"/>.</summary>
    /// <param name="curves">The curves, e.g. <see cref="PrecisionRecallCurve.FromScores"/> of two models' validation
    /// scores.</param>
    /// <param name="pngPath">The file to write; its folder is created when missing.</param>
    /// <param name="title">Figure title. Default: "Precision-recall curves".</param>
    /// <param name="width">Image width in pixels (at least 100). Default 600.</param>
    /// <param name="height">Image height in pixels (at least 100). Default 600.</param>
    /// <exception cref="ArgumentNullException"><paramref name="curves"/> or <paramref name="pngPath"/> is null.</exception>
    /// <exception cref="ArgumentException">There are no curves, one is null, or <paramref name="pngPath"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> or <paramref name="height"/> is below 100.</exception>
    public static void SavePrecisionRecallCurves(IReadOnlyList<PrecisionRecallCurve> curves, string pngPath,
        string? title = null, int width = 600, int height = 600)
    {
        string path = CheckCurves(curves, "precision-recall", pngPath, width, height);

        var model = NewModel(null);
        model.Axes.Add(Grid(new LinearAxis { Position = AxisPosition.Bottom, Title = "Recall", Minimum = 0, Maximum = 1 }));
        model.Axes.Add(Grid(new LinearAxis { Position = AxisPosition.Left, Title = "Precision", Minimum = 0, Maximum = 1.02 }));
        double chanceRate = curves[0].PositiveRate;
        var chance = new LineSeries
        {
            Title = string.Create(CultureInfo.InvariantCulture, $"chance ({chanceRate * 100:F0}% positive)"),
            Color = OxyColors.Gray, LineStyle = LineStyle.Dash, StrokeThickness = 1,
        };
        chance.Points.AddRange([new DataPoint(0, chanceRate), new DataPoint(1, chanceRate)]);
        model.Series.Add(chance);
        // Precision falls as recall rises: the lower left corner is the one the curves leave free.
        SaveCurves(model, curves, c => string.Create(CultureInfo.InvariantCulture, $"{c.Name} (AP {c.AveragePrecision:F3})"),
            c => c.Recalls.Zip(c.Precisions, (r, p) => new DataPoint(r, p)), LegendPosition.BottomLeft,
            path, width, height, title ?? "Precision-recall curves");
    }
}
