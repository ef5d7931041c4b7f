using System.Globalization;
using Microsoft.ML.Data;
using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;
using OxyPlot.SkiaSharp;
using SkiaSharp;

namespace MlNetTriplet.Plots;

/// <summary>PNG charts of a training run and of a classifier's evaluation, drawn with OxyPlot on SkiaSharp.</summary>
public static partial class TrainingPlots
{
    private static readonly OxyColor TrainColor = OxyColor.Parse("#1f77b4");
    private static readonly OxyColor ValidationColor = OxyColor.Parse("#ff7f0e");
    private static readonly OxyColor BestEpochColor = OxyColor.Parse("#2ca02c");
    private static readonly OxyColor GridColor = OxyColor.FromRgb(0xe6, 0xe6, 0xe6);
    private const double TitleHeight = 34;

    /// <summary>Saves the loss curves of <paramref name="history"/> as a PNG: training and validation loss per epoch,
    /// and beside them training and validation accuracy (in %) when the history has accuracies. A dashed vertical line
    /// marks <see cref="TrainingHistory.BestEpoch"/> when it is not the last epoch (early stopping restored it). When the
    /// first epoch's values are so far from the rest that they would squash the later curves, each panel's axis follows
    /// the later epochs and the first epoch's value is written at the edge.</summary>
    /// <param name="history">The run, e.g. <see cref="NetworkTransformer.History"/>.</param>
    /// <param name="pngPath">The file to write; its folder is created when missing.</param>
    /// <param name="title">Figure title. Default: "Training history".</param>
    /// <param name="width">Image width in pixels (at least 100). Default 900.</param>
    /// <param name="height">Image height in pixels (at least 100). Default 400.</param>
    /// <exception cref="ArgumentNullException"><paramref name="history"/> or <paramref name="pngPath"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="history"/> has no epochs, or <paramref name="pngPath"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> or <paramref name="height"/> is below 100.</exception>
    public static void SaveLossCurves(TrainingHistory history, string pngPath, string? title = null, int width = 900,
        int height = 400)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Epochs is null || history.Epochs.Count == 0)
            throw new ArgumentException("The training history has no epochs: there is nothing to plot.", nameof(history));
        if (history.Epochs.Any(e => e is null))
            throw new ArgumentException("The training history holds a null epoch.", nameof(history));
        PngFiles.CheckSize(width, nameof(width));
        PngFiles.CheckSize(height, nameof(height));
        string path = PngFiles.PreparePath(pngPath, nameof(pngPath));

        var epochs = history.Epochs;
        int lastEpoch = epochs[^1].Epoch;
        int? bestEpoch = history.BestEpoch != lastEpoch && epochs.Any(e => e.Epoch == history.BestEpoch)
            ? history.BestEpoch : null;
        bool hasAccuracy = epochs.Any(e => e.TrainAccuracy is not null || e.ValidationAccuracy is not null);

        // Losses fall and accuracies rise: legends in the corners the curves leave free. A lone loss panel needs no
        // title of its own.
        var panels = new List<PlotModel>
        {
            CurvePanel(hasAccuracy ? "Loss" : null, "Loss", epochs, e => e.TrainLoss, e => e.ValidationLoss, bestEpoch,
                LegendPosition.TopRight),
        };
        if (hasAccuracy)
            panels.Add(CurvePanel("Accuracy", "Accuracy (%)", epochs, e => e.TrainAccuracy * 100,
                e => e.ValidationAccuracy * 100, bestEpoch, LegendPosition.BottomRight));

        SaveWithTitle(path, width, height, title ?? "Training history", panels);
    }

    /// <summary>Saves a confusion matrix as a PNG heatmap: true classes in rows, predicted classes in columns, each
    /// cell coloured by its share of the row (the row-normalised count, i.e. per-class recall on the diagonal) and
    /// labelled with its count. The image is sized from the number of classes.</summary>
    /// <param name="matrix">The matrix, e.g. <c>MulticlassClassificationMetrics.ConfusionMatrix</c>.</param>
    /// <param name="classNames">One display name per class, in the matrix's class order.</param>
    /// <param name="pngPath">The file to write; its folder is created when missing.</param>
    /// <param name="title">Figure title. Default: "Confusion matrix".</param>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="title"/> is null.</exception>
    /// <exception cref="ArgumentException">The matrix is empty, the number of names differs from the number of
    /// classes, a name is null, or <paramref name="pngPath"/> is empty.</exception>
    public static void SaveConfusionMatrix(ConfusionMatrix matrix, IReadOnlyList<string> classNames, string pngPath,
        string? title = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(classNames);
        int n = matrix.NumberOfClasses;
        if (n == 0 || matrix.Counts.Count != n)
            throw new ArgumentException("The confusion matrix has no classes.", nameof(matrix));
        if (classNames.Count != n)
            throw new ArgumentException(
                $"Got {classNames.Count} class names for a confusion matrix of {n} classes: give one name per class.",
                nameof(classNames));
        if (classNames.Any(name => name is null))
            throw new ArgumentException("A class name is null.", nameof(classNames));
        string path = PngFiles.PreparePath(pngPath, nameof(pngPath));

        var model = NewModel(null);
        model.Axes.Add(new CategoryAxis
        {
            Position = AxisPosition.Bottom, Title = "Predicted class", ItemsSource = classNames, Angle = -45,
            IsZoomEnabled = false, IsPanEnabled = false,
        });
        // Reversed (start at the top) so that the first class is the top row, as in the table.
        model.Axes.Add(new CategoryAxis
        {
            Position = AxisPosition.Left, Title = "True class", ItemsSource = classNames, StartPosition = 1,
            EndPosition = 0, IsZoomEnabled = false, IsPanEnabled = false,
        });
        model.Axes.Add(new LinearColorAxis
        {
            Position = AxisPosition.Right, Title = "share of the true class", Minimum = 0, Maximum = 1, MajorStep = 0.25,
            StringFormat = "0%",
            // matplotlib's "Blues": white for an empty cell, dark blue for a whole row.
            Palette = OxyPalette.Interpolate(256, OxyColor.Parse("#f7fbff"), OxyColor.Parse("#c6dbef"),
                OxyColor.Parse("#6baed6"), OxyColor.Parse("#2171b5"), OxyColor.Parse("#08306b")),
        });

        // HeatMapSeries indexes Data[x, y]: x is the predicted class (column), y the true class (row).
        var shares = new double[n, n];
        double fontSize = n <= 10 ? 13 : n <= 20 ? 10 : 8;
        for (int r = 0; r < n; r++)
        {
            double rowTotal = matrix.Counts[r].Sum();
            for (int c = 0; c < n; c++)
            {
                double count = matrix.Counts[r][c];
                shares[c, r] = rowTotal > 0 ? count / rowTotal : 0;
                // Counts are whole numbers unless the evaluation was weighted.
                model.Annotations.Add(new TextAnnotation
                {
                    Text = count.ToString("0.##", CultureInfo.InvariantCulture), TextPosition = new DataPoint(c, r),
                    TextHorizontalAlignment = HorizontalAlignment.Center, TextVerticalAlignment = VerticalAlignment.Middle,
                    FontSize = fontSize, TextColor = shares[c, r] > 0.5 ? OxyColors.White : OxyColors.Black,
                    Stroke = OxyColors.Undefined, StrokeThickness = 0, Layer = AnnotationLayer.AboveSeries,
                });
            }
        }
        // Rectangles, not the default bitmap: sharp cell edges whatever the scale.
        model.Series.Add(new HeatMapSeries
        {
            X0 = 0, X1 = n - 1, Y0 = 0, Y1 = n - 1, Data = shares, Interpolate = false,
            RenderMethod = HeatMapRenderMethod.Rectangles,
        });

        int longestName = classNames.Max(name => name.Length);
        int cell = n <= 10 ? 56 : n <= 20 ? 36 : 24;
        int margin = 140 + 7 * Math.Min(longestName, 30);
        int width = Math.Max(400, n * cell + margin + 90);
        int height = Math.Max(400, n * cell + margin);
        SaveWithTitle(path, width, height, title ?? "Confusion matrix", [model]);
    }

    private static PlotModel CurvePanel(string? title, string yLabel, IReadOnlyList<EpochMetrics> epochs,
        Func<EpochMetrics, double?> train, Func<EpochMetrics, double?> validation, int? bestEpoch,
        LegendPosition legendCorner)
    {
        var model = NewModel(title);
        // MinimumMajorStep 1: epochs are whole numbers, so no tick between two of them. The padding keeps the first and
        // last points (and a best-epoch line there) off the frame.
        var x = new LinearAxis
        {
            Position = AxisPosition.Bottom, Title = "Epoch", MinimumMajorStep = 1, MinimumMinorStep = 1,
            MinimumPadding = 0.03, MaximumPadding = 0.03,
        };
        if (epochs.Count == 1)
        {
            x.Minimum = epochs[0].Epoch - 1;
            x.Maximum = epochs[0].Epoch + 1;
        }
        model.Axes.Add(Grid(x));
        var y = Grid(new LinearAxis { Position = AxisPosition.Left, Title = yLabel, MaximumPadding = 0.05, MinimumPadding = 0.05 });
        model.Axes.Add(y);

        AddLine(model, epochs, train, "train", TrainColor);
        AddLine(model, epochs, validation, "validation", ValidationColor);
        if (RangeWithoutFirstEpoch(epochs, [train, validation]) is var (low, high))
        {
            // The first epoch is far from the rest (an untrained network's loss, say): the axis follows the later
            // epochs, where the differences are, and the first one's line leaves the frame with its value written.
            double pad = 0.08 * (high - low);
            (y.Minimum, y.Maximum) = (low - pad, high + pad);
            var first = epochs[0];
            var offScale = new[] { train(first), validation(first) }.OfType<double>().Where(v => v < low - pad || v > high + pad).ToList();
            if (offScale.Count > 0)
                model.Annotations.Add(new TextAnnotation
                {
                    Text = $"epoch {first.Epoch}: {string.Join(", ", offScale.Select(v => v.ToString("G3", CultureInfo.InvariantCulture)))} (off scale)",
                    TextPosition = new DataPoint(first.Epoch, offScale[0] > high ? high + pad : low - pad),
                    TextHorizontalAlignment = HorizontalAlignment.Left,
                    TextVerticalAlignment = offScale[0] > high ? VerticalAlignment.Top : VerticalAlignment.Bottom,
                    FontSize = 11, TextColor = OxyColors.DimGray, Stroke = OxyColors.Undefined, StrokeThickness = 0,
                    Layer = AnnotationLayer.AboveSeries,
                });
        }
        if (bestEpoch is int best)
        {
            model.Annotations.Add(new LineAnnotation
            {
                Type = LineAnnotationType.Vertical, X = best, Color = BestEpochColor, StrokeThickness = 1.5,
                LineStyle = LineStyle.Dash,
            });
            // Annotations have no legend entry: an empty series in the same style gives the marker one.
            model.Series.Add(new LineSeries
            {
                Title = $"best epoch ({best})", Color = BestEpochColor, StrokeThickness = 1.5, LineStyle = LineStyle.Dash,
            });
        }
        model.Legends.Add(new Legend
        {
            LegendPosition = legendCorner, LegendPlacement = LegendPlacement.Inside,
            LegendBackground = OxyColor.FromAColor(220, OxyColors.White), LegendBorder = OxyColors.LightGray,
        });
        return model;
    }

    /// <summary>The value range of the epochs after the first, when the first epoch's values would more than double it
    /// (so that they would squash the later, interesting part of the curves); otherwise null. Needs five epochs: with
    /// fewer, the first one's drop is most of the story.</summary>
    internal static (double Low, double High)? RangeWithoutFirstEpoch(IReadOnlyList<EpochMetrics> epochs,
        IReadOnlyList<Func<EpochMetrics, double?>> values)
    {
        if (epochs.Count < 5)
            return null;
        var later = epochs.Skip(1).SelectMany(e => values.Select(v => v(e))).OfType<double>().Where(double.IsFinite).ToList();
        var first = values.Select(v => v(epochs[0])).OfType<double>().Where(double.IsFinite).ToList();
        if (later.Count == 0 || first.Count == 0)
            return null;
        double low = later.Min(), high = later.Max(), span = high - low;
        if (span <= 0)
            return null;
        double allLow = Math.Min(low, first.Min()), allHigh = Math.Max(high, first.Max());
        return allHigh - allLow > 2 * span ? (low, high) : null;
    }

    private static void AddLine(PlotModel model, IReadOnlyList<EpochMetrics> epochs, Func<EpochMetrics, double?> value,
        string label, OxyColor color)
    {
        // Epochs without the figure (no validation) or with a diverged one (NaN, infinity) are left out.
        var points = epochs.Select(e => (x: (double)e.Epoch, y: value(e)))
            .Where(p => p.y is double y && double.IsFinite(y))
            .Select(p => new DataPoint(p.x, p.y!.Value))
            .ToList();
        if (points.Count == 0)
            return;
        var series = new LineSeries
        {
            Title = label, Color = color, StrokeThickness = 2, MarkerType = MarkerType.Circle, MarkerSize = 3,
            MarkerFill = color,
        };
        series.Points.AddRange(points);
        model.Series.Add(series);
    }

    private static PlotModel NewModel(string? title) => new()
    {
        Title = title, TitleFontSize = 14, TitleFontWeight = FontWeights.Normal, DefaultFontSize = 12,
        Background = OxyColors.White, PlotAreaBorderColor = OxyColors.Gray,
        // Tick labels read the same on every machine, whatever its locale.
        Culture = CultureInfo.InvariantCulture,
    };

    private static LinearAxis Grid(LinearAxis axis)
    {
        axis.MajorGridlineStyle = LineStyle.Solid;
        axis.MajorGridlineColor = GridColor;
        axis.IsZoomEnabled = false;
        axis.IsPanEnabled = false;
        return axis;
    }

    /// <summary>Draws <paramref name="title"/> in a strip across the top and the panels side by side below it, then
    /// writes the PNG.</summary>
    private static void SaveWithTitle(string path, int width, int height, string title, IReadOnlyList<PlotModel> panels)
    {
        using var bitmap = new SKBitmap(width, height);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        // No text shaping: it needs HarfBuzz's native library, which SkiaSharp 2.88 ships for no Linux; labels are
        // plain left-to-right text.
        using var context = new SkiaRenderContext
        {
            RenderTarget = RenderTarget.PixelGraphic, SkCanvas = canvas, UseTextShaping = false,
        };
        bool hasTitle = !string.IsNullOrWhiteSpace(title);
        double top = hasTitle ? TitleHeight : 0;
        double panelWidth = (double)width / panels.Count;
        string font = PngFiles.SansSerifFamily.Value ?? panels[0].DefaultFont;
        for (int i = 0; i < panels.Count; i++)
        {
            // Each panel lays itself out in its own rectangle; the clip keeps a wide label out of its neighbour.
            var rect = new OxyRect(i * panelWidth, top, panelWidth, height - top);
            context.PushClip(rect);
            panels[i].DefaultFont = font;
            IPlotModel panel = panels[i];
            panel.Update(updateData: true);
            panel.Render(context, rect);
            context.PopClip();
        }
        if (hasTitle)
            context.DrawText(new ScreenPoint(width / 2.0, 8), title, OxyColors.Black, font, 17,
                FontWeights.Bold, 0, HorizontalAlignment.Center, VerticalAlignment.Top, null);

        using var file = File.Create(path);
        bitmap.Encode(file, SKEncodedImageFormat.Png, 100);
    }
}
