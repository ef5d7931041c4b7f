using Microsoft.ML.Data;
using ScottPlot;
using SkiaSharp;

namespace MlNetTriplet;

/// <summary>PNG charts of a training run and of a classifier's evaluation, drawn with ScottPlot.</summary>
public static class TrainingPlots
{
    private static readonly ScottPlot.Color TrainColor = ScottPlot.Color.FromHex("#1f77b4");
    private static readonly ScottPlot.Color ValidationColor = ScottPlot.Color.FromHex("#ff7f0e");
    private static readonly ScottPlot.Color BestEpochColor = ScottPlot.Color.FromHex("#2ca02c");
    private const int MinimumSize = 100;
    private const float TitleHeight = 34;

    /// <summary>Saves the loss curves of <paramref name="history"/> as a PNG: training and validation loss per epoch,
    /// and beside them training and validation accuracy (in %) when the history has accuracies. A dashed vertical line
    /// marks <see cref="TrainingHistory.BestEpoch"/> when it is not the last epoch (early stopping restored it).</summary>
    /// <param name="history">The run, e.g. <see cref="CnnClassifierTransformer.History"/>.</param>
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
        string path = PreparePath(pngPath, nameof(pngPath));
        CheckSize(width, nameof(width));
        CheckSize(height, nameof(height));

        var epochs = history.Epochs;
        int lastEpoch = epochs[^1].Epoch;
        int? bestEpoch = history.BestEpoch != lastEpoch && epochs.Any(e => e.Epoch == history.BestEpoch)
            ? history.BestEpoch : null;
        bool hasAccuracy = epochs.Any(e => e.TrainAccuracy is not null || e.ValidationAccuracy is not null);

        var lossPlot = new Plot();
        lossPlot.Title("Loss");
        lossPlot.YLabel("Loss");
        AddSeries(lossPlot, epochs, e => e.TrainLoss, e => e.ValidationLoss, bestEpoch);

        var multiplot = new Multiplot(lossPlot);
        if (hasAccuracy)
        {
            var accuracyPlot = multiplot.AddPlot();
            accuracyPlot.Title("Accuracy");
            accuracyPlot.YLabel("Accuracy (%)");
            AddSeries(accuracyPlot, epochs, e => e.TrainAccuracy * 100, e => e.ValidationAccuracy * 100, bestEpoch);
            multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        }

        try
        {
            SaveWithTitle(path, width, height, title ?? "Training history",
                (canvas, rect) => multiplot.Render(canvas, rect));
        }
        finally
        {
            foreach (var plot in multiplot.GetPlots())
                plot.Dispose();
        }
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
    /// classes, or <paramref name="pngPath"/> is empty.</exception>
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
        string path = PreparePath(pngPath, nameof(pngPath));

        // Intensities[row, col] is drawn with row 0 at the top, so the first class is the top row, as in the table.
        var shares = new double[n, n];
        for (int r = 0; r < n; r++)
        {
            double rowTotal = matrix.Counts[r].Sum();
            for (int c = 0; c < n; c++)
                shares[r, c] = rowTotal > 0 ? matrix.Counts[r][c] / rowTotal : 0;
        }

        using var plot = new Plot();
        var heatmap = plot.Add.Heatmap(shares);
        heatmap.Colormap = new ScottPlot.Colormaps.Blues();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        heatmap.Extent = new CoordinateRect(-0.5, n - 0.5, -0.5, n - 0.5);
        var colorBar = plot.Add.ColorBar(heatmap);
        colorBar.Label = "Share of the true class";

        float fontSize = n <= 10 ? 13 : n <= 20 ? 10 : 8;
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                double count = matrix.Counts[r][c];
                var text = plot.Add.Text(count.ToString("0", System.Globalization.CultureInfo.InvariantCulture), c, n - 1 - r);
                text.Alignment = Alignment.MiddleCenter;
                text.LabelFontSize = fontSize;
                text.LabelFontColor = shares[r, c] > 0.5 ? Colors.White : Colors.Black;
            }
        }

        double[] positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.SetTicks(positions, classNames.ToArray());
        plot.Axes.Left.SetTicks(positions.Reverse().ToArray(), classNames.ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        plot.XLabel("Predicted class");
        plot.YLabel("True class");
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        plot.Grid.IsVisible = false;

        int longestName = classNames.Max(s => s?.Length ?? 0);
        int cell = n <= 10 ? 56 : n <= 20 ? 36 : 24;
        int margin = 140 + 7 * Math.Min(longestName, 30);
        int width = Math.Max(400, n * cell + margin + 90);
        int height = Math.Max(400, n * cell + margin);
        SaveWithTitle(path, width, height, title ?? "Confusion matrix",
            (canvas, rect) => plot.Render(canvas, rect));
    }

    private static void AddSeries(Plot plot, IReadOnlyList<EpochMetrics> epochs, Func<EpochMetrics, double?> train,
        Func<EpochMetrics, double?> validation, int? bestEpoch)
    {
        AddLine(plot, epochs, train, "train", TrainColor);
        AddLine(plot, epochs, validation, "validation", ValidationColor);
        if (bestEpoch is int best)
        {
            var line = plot.Add.VerticalLine(best, 1.5f, BestEpochColor, LinePattern.Dashed);
            line.LegendText = $"best epoch ({best})";
        }
        plot.XLabel("Epoch");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        if (epochs.Count == 1)
            plot.Axes.SetLimitsX(epochs[0].Epoch - 1, epochs[0].Epoch + 1);
        plot.ShowLegend(Alignment.UpperRight);
    }

    private static void AddLine(Plot plot, IReadOnlyList<EpochMetrics> epochs, Func<EpochMetrics, double?> value,
        string label, ScottPlot.Color color)
    {
        // Epochs without the figure (no validation) or with a diverged one (NaN, infinity) are left out.
        var points = epochs.Select(e => (x: (double)e.Epoch, y: value(e)))
            .Where(p => p.y is double y && double.IsFinite(y))
            .ToArray();
        if (points.Length == 0)
            return;
        var scatter = plot.Add.Scatter(points.Select(p => p.x).ToArray(), points.Select(p => p.y!.Value).ToArray(), color);
        scatter.LegendText = label;
        scatter.LineWidth = 2;
        scatter.MarkerSize = 6;
    }

    /// <summary>Draws <paramref name="title"/> in a strip across the top and the chart below it, then writes the PNG.</summary>
    private static void SaveWithTitle(string path, int width, int height, string title, Action<SKCanvas, PixelRect> render)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height))
            ?? throw new InvalidOperationException($"Could not create a {width} x {height} drawing surface.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        float top = 0;
        if (!string.IsNullOrWhiteSpace(title))
        {
            using var paint = Paint.NewDisposablePaint();
            var label = new LabelStyle { FontSize = 17, Bold = true, ForeColor = Colors.Black, Alignment = Alignment.UpperCenter };
            label.Render(canvas, new Pixel(width / 2f, 8), paint, title);
            top = TitleHeight;
        }
        render(canvas, new PixelRect(0, width, height, top));
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    private static string PreparePath(string pngPath, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(pngPath, parameterName);
        if (string.IsNullOrWhiteSpace(pngPath))
            throw new ArgumentException("The PNG path is empty.", parameterName);
        string full = Path.GetFullPath(pngPath);
        string? folder = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(folder))
            Directory.CreateDirectory(folder);
        return full;
    }

    private static void CheckSize(int pixels, string parameterName)
    {
        if (pixels < MinimumSize)
            throw new ArgumentOutOfRangeException(parameterName, pixels,
                $"The image {parameterName} must be at least {MinimumSize} pixels.");
    }
}
