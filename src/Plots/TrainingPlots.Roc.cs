using System.Globalization;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace MlNetTriplet.Plots;

public static partial class TrainingPlots
{
    // matplotlib's tab10 order after the train/validation pair, for further curves (e.g. a reference model).
    private static readonly OxyColor[] RocColors =
    [
        TrainColor, ValidationColor, OxyColor.Parse("#2ca02c"), OxyColor.Parse("#d62728"), OxyColor.Parse("#9467bd"),
        OxyColor.Parse("#8c564b"),
    ];

    /// <summary>The checks every curve plot makes: curves given and none null, a sane size; returns the full path.</summary>
    private static string CheckCurves<T>(IReadOnlyList<T> curves, string kind, string pngPath, int width, int height)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(curves);
        if (curves.Count == 0)
            throw new ArgumentException($"There are no {kind} curves to plot.", nameof(curves));
        if (curves.Any(c => c is null))
            throw new ArgumentException($"A {kind} curve is null.", nameof(curves));
        PngFiles.CheckSize(width, nameof(width));
        PngFiles.CheckSize(height, nameof(height));
        return PngFiles.PreparePath(pngPath, nameof(pngPath));
    }

    /// <summary>Saves ROC curves as a PNG: one line per curve with its AUC in the legend, and the chance diagonal.
    /// Colours follow the loss curves: the first curve (e.g. training) blue, the second (validation) orange.</summary>
    /// <param name="curves">The curves, e.g. <see cref="RocCurve.FromScores"/> of the training and validation scores.</param>
    /// <param name="pngPath">The file to write; its folder is created when missing.</param>
    /// <param name="title">Figure title. Default: "ROC curves".</param>
    /// <param name="width">Image width in pixels (at least 100). Default 600.</param>
    /// <param name="height">Image height in pixels (at least 100). Default 600.</param>
    /// <exception cref="ArgumentNullException"><paramref name="curves"/> or <paramref name="pngPath"/> is null.</exception>
    /// <exception cref="ArgumentException">There are no curves, one is null, or <paramref name="pngPath"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> or <paramref name="height"/> is below 100.</exception>
    public static void SaveRocCurves(IReadOnlyList<RocCurve> curves, string pngPath, string? title = null, int width = 600,
        int height = 600)
    {
        string path = CheckCurves(curves, "ROC", pngPath, width, height);

        var model = NewModel(null);
        model.Axes.Add(Grid(new LinearAxis { Position = AxisPosition.Bottom, Title = "False positive rate", Minimum = 0, Maximum = 1 }));
        model.Axes.Add(Grid(new LinearAxis { Position = AxisPosition.Left, Title = "True positive rate (recall)", Minimum = 0, Maximum = 1 }));
        var chance = new LineSeries { Title = "chance", Color = OxyColors.Gray, LineStyle = LineStyle.Dash, StrokeThickness = 1 };
        chance.Points.AddRange([new DataPoint(0, 0), new DataPoint(1, 1)]);
        model.Series.Add(chance);
        // A ROC curve leaves the lower right corner free.
        SaveCurves(model, curves, c => string.Create(CultureInfo.InvariantCulture, $"{c.Name} (AUC {c.Auc:F3})"),
            c => c.FalsePositiveRates.Zip(c.TruePositiveRates, (x, y) => new DataPoint(x, y)), LegendPosition.BottomRight,
            path, width, height, title ?? "ROC curves");
    }

    /// <summary>Adds one line per curve to <paramref name="model"/> (colours in <see cref="RocColors"/>' order, each
    /// with its legend label), puts the legend inside <paramref name="freeCorner"/> (the corner the curves leave
    /// free) and saves the figure.</summary>
    private static void SaveCurves<T>(PlotModel model, IReadOnlyList<T> curves, Func<T, string> label,
        Func<T, IEnumerable<DataPoint>> points, LegendPosition freeCorner, string path, int width, int height, string title)
    {
        for (int i = 0; i < curves.Count; i++)
        {
            var series = new LineSeries { Title = label(curves[i]), Color = RocColors[i % RocColors.Length], StrokeThickness = 2 };
            series.Points.AddRange(points(curves[i]));
            model.Series.Add(series);
        }
        model.Legends.Add(new Legend
        {
            LegendPosition = freeCorner, LegendPlacement = LegendPlacement.Inside,
            LegendBackground = OxyColor.FromAColor(220, OxyColors.White), LegendBorder = OxyColors.LightGray,
        });
        SaveWithTitle(path, width, height, title, [model]);
    }
}
