using Microsoft.ML;
using System.Globalization;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;
using OxyPlot.SkiaSharp;
using SkiaSharp;

namespace MlNetTriplet.Plots;

/// <summary>PNG scatter plots of 2-D points coloured by label (e.g. a UMAP projection of embeddings), drawn with
/// OxyPlot on SkiaSharp.</summary>
public static class ScatterPlots
{
    private const double Padding = 0.03;

    // matplotlib's "tab10", then the lighter halves of "tab20" for labels 11-20; beyond that the colours repeat.
    private static readonly string[] Palette =
    [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
        "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
    ];

    private static readonly OxyColor GridColor = OxyColor.FromRgb(0xe6, 0xe6, 0xe6);

    /// <summary>Saves a PNG scatter plot of a <c>Vector&lt;Single, 2&gt;</c> column (e.g. <c>ProjectToUmap</c>'s
    /// output), one colour per distinct value of a label column (key labels show the values they stand for), with a
    /// legend (label and count) to the right of the plot area. Labels are ordered numerically when all are integers,
    /// otherwise ordinally, so the same label set gets the same colours in every plot. Markers shrink and turn more
    /// transparent as the number of points grows, so that tens of thousands of points still show their density. Each
    /// axis spans the data, unless a few far points would squash the rest: then it stops half the 1st-99th percentile
    /// span beyond those percentiles, the points beyond it are drawn on the border, ringed, and a subtitle says how
    /// many they are.</summary>
    /// <param name="data">The rows to plot.</param>
    /// <param name="pointColumnName">The 2-D point column.</param>
    /// <param name="labelColumnName">The column whose values colour the points (key, text, number or boolean).</param>
    /// <param name="pngPath">The file to write; its folder is created when missing.</param>
    /// <param name="title">Figure title; none when null or blank.</param>
    /// <param name="width">Image width in pixels (at least 100). Default 1000.</param>
    /// <param name="height">Image height in pixels (at least 100). Default 800.</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type (named in the message).</exception>
    public static void SaveScatter(IDataView data, string pointColumnName, string labelColumnName, string pngPath,
        string? title = null, int width = 1000, int height = 800)
    {
        ArgumentNullException.ThrowIfNull(data);
        var (points, labels) = ColumnReader.PointsAndLabels(data, pointColumnName, labelColumnName);
        SaveScatter(points, labels, pngPath, title, width, height);
    }

    /// <summary>Saves the scatter plot the data-view overload describes, from 2-D points and their labels.</summary>
    /// <param name="points">The coordinates, <c>rows x 2</c> row-major: x0, y0, x1, y1, ...</param>
    /// <param name="labels">One label per row.</param>
    /// <param name="pngPath">The file to write; its folder is created when missing.</param>
    /// <param name="title">Figure title; none when null or blank.</param>
    /// <param name="width">Image width in pixels (at least 100). Default 1000.</param>
    /// <param name="height">Image height in pixels (at least 100). Default 800.</param>
    /// <param name="xTitle">Horizontal axis title. Default "UMAP 1".</param>
    /// <param name="yTitle">Vertical axis title. Default "UMAP 2".</param>
    /// <exception cref="ArgumentNullException"><paramref name="labels"/> or <paramref name="pngPath"/> is null.</exception>
    /// <exception cref="ArgumentException">There are no points, <paramref name="points"/> does not hold two values per
    /// label, a label is null, a coordinate is NaN or infinite, or <paramref name="pngPath"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> or <paramref name="height"/> is below
    /// 100.</exception>
    // Internal: users plot a data view (above); the tool and benches that hold bare arrays use this one. Two public
    // overloads with optional parameters could not grow compatibly either (RS0026).
    internal static void SaveScatter(ReadOnlySpan<float> points, IReadOnlyList<string> labels, string pngPath,
        string? title = null, int width = 1000, int height = 800, string xTitle = "UMAP 1", string yTitle = "UMAP 2")
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(pngPath);
        int n = labels.Count;
        if (n == 0)
            throw new ArgumentException("There are no points to plot: give at least one row.", nameof(labels));
        if (points.Length != 2 * n)
            throw new ArgumentException(
                $"Got {points.Length} coordinates for {n} labels: give two coordinates (x, y) per labelled row.",
                nameof(points));
        PngFiles.CheckSize(width, nameof(width));
        PngFiles.CheckSize(height, nameof(height));

        // One pass: validates every row and counts the labels.
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
        {
            float x = points[2 * i], y = points[2 * i + 1];
            if (!float.IsFinite(x) || !float.IsFinite(y))
                throw new ArgumentException($"Row {i} has a non-finite coordinate ({x}, {y}).", nameof(points));
            string label = labels[i] ?? throw new ArgumentException($"The label of row {i} is null.", nameof(labels));
            counts[label] = counts.GetValueOrDefault(label) + 1;
        }
        var (xRange, yRange, outside) = Frame(points);
        string path = PngFiles.PreparePath(pngPath, nameof(pngPath));

        string[] order = OrderLabels(counts.Keys);
        var colourIndex = new Dictionary<string, int>(order.Length, StringComparer.Ordinal);
        for (int c = 0; c < order.Length; c++)
            colourIndex[order[c]] = c;

        string font = PngFiles.SansSerifFamily.Value ?? "Arial";
        var model = new PlotModel
        {
            Title = string.IsNullOrWhiteSpace(title) ? null : title, TitleFontSize = 17, DefaultFontSize = 12,
            Subtitle = OutsideNote(outside, n), SubtitleFontSize = 12,
            DefaultFont = font, Background = OxyColors.White, PlotAreaBorderColor = OxyColors.Gray,
            Culture = CultureInfo.InvariantCulture,
        };
        // Ranges are set by hand because the series that carry the legend are empty (see below).
        model.Axes.Add(Axis(AxisPosition.Bottom, xTitle, xRange));
        model.Axes.Add(Axis(AxisPosition.Left, yTitle, yRange));
        // Legend-only series: a ScatterSeries draws its legend symbol at the marker size, and data-sized markers
        // (1.5 px) would be invisible there. The points themselves are drawn on the canvas afterwards.
        foreach (string label in order)
        {
            var colour = OxyColor.Parse(Palette[colourIndex[label] % Palette.Length]);
            model.Series.Add(new ScatterSeries
            {
                Title = string.Create(CultureInfo.InvariantCulture, $"{label} ({counts[label]:N0})"),
                MarkerType = MarkerType.Circle, MarkerSize = 5, MarkerFill = colour, MarkerStroke = OxyColors.Undefined,
            });
        }
        // Outside on the right: inside, it would hide the points under it.
        model.Legends.Add(new Legend
        {
            LegendPlacement = LegendPlacement.Outside, LegendPosition = LegendPosition.RightTop,
            LegendOrientation = LegendOrientation.Vertical, LegendBorder = OxyColors.LightGray,
            LegendFontSize = order.Length > 25 ? 9 : 12,
        });

        using var bitmap = new SKBitmap(width, height);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        // No text shaping: it needs HarfBuzz's native library, which SkiaSharp 2.88 ships for no Linux.
        using (var context = new SkiaRenderContext
        {
            RenderTarget = RenderTarget.PixelGraphic, SkCanvas = canvas, UseTextShaping = false,
        })
        {
            IPlotModel plot = model;
            plot.Update(updateData: true);
            plot.Render(context, new OxyRect(0, 0, width, height));
        }
        DrawPoints(canvas, model, points, labels, colourIndex, order.Length, xRange, yRange);

        using var file = File.Create(path);
        bitmap.Encode(file, SKEncodedImageFormat.Png, 100);
    }

    /// <summary>The axes' ranges (<see cref="AxisRange"/>) of finite x, y pairs and how many points lie outside them.</summary>
    internal static (AxisRange X, AxisRange Y, int Outside) Frame(ReadOnlySpan<float> points)
    {
        int n = points.Length / 2;
        var xs = new float[n];
        var ys = new float[n];
        for (int i = 0; i < n; i++)
            (xs[i], ys[i]) = (points[2 * i], points[2 * i + 1]);
        var x = AxisRange.Of(xs);
        var y = AxisRange.Of(ys);
        int outside = 0;
        for (int i = 0; i < n; i++)
            if (x.Excludes(xs[i]) || y.Excludes(ys[i])) outside++;
        return (x, y, outside);
    }

    /// <summary>The subtitle that tells how many points were drawn on the border; null when none were.</summary>
    internal static string? OutsideNote(int outside, int total) => outside == 0 ? null
        : string.Create(CultureInfo.InvariantCulture,
            $"{outside:N0} of {total:N0} points {(outside == 1 ? "lies" : "lie")} outside the axes: drawn on the border, ringed");

    /// <summary>Draws the points straight on the canvas, inside the plot area OxyPlot laid out. Compared with one
    /// ScatterSeries per label this is faster, and the rows go in a shuffled order rather than label after label, so
    /// where clusters overlap the last label drawn does not cover all the others. Points outside the axes' ranges go on
    /// the border, last, each ringed in dark grey, so they are neither hidden nor taken for points of the map.</summary>
    private static void DrawPoints(SKCanvas canvas, PlotModel model, ReadOnlySpan<float> points,
        IReadOnlyList<string> labels, Dictionary<string, int> colourIndex, int labelCount, AxisRange xRange, AxisRange yRange)
    {
        int n = labels.Count;
        // Dense clouds need small, faint markers to show where the density is; a few hundred points read better big.
        (float radius, byte alpha) = n switch
        {
            <= 1_000 => (3.5f, (byte)220),
            <= 10_000 => (2.5f, (byte)170),
            _ => (1.5f, (byte)120),
        };
        var paints = new SKPaint[labelCount];
        for (int c = 0; c < labelCount; c++)
            paints[c] = new SKPaint
            {
                Color = SKColor.Parse(Palette[c % Palette.Length]).WithAlpha(alpha), IsAntialias = true,
                Style = SKPaintStyle.Fill,
            };
        using var ring = new SKPaint
        {
            Color = new SKColor(0x40, 0x40, 0x40), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 1.5f,
        };
        try
        {
            var xAxis = model.DefaultXAxis;
            var yAxis = model.DefaultYAxis;
            var area = model.PlotArea;
            canvas.Save();
            canvas.ClipRect(new SKRect((float)area.Left, (float)area.Top, (float)area.Right, (float)area.Bottom));
            // Seeded: the same data gives the same image.
            var rows = new int[n];
            for (int i = 0; i < n; i++)
                rows[i] = i;
            new Random(0).Shuffle(rows);
            var outside = new List<int>();
            foreach (int i in rows)
            {
                if (xRange.Excludes(points[2 * i]) || yRange.Excludes(points[2 * i + 1]))
                {
                    outside.Add(i);
                    continue;
                }
                float sx = (float)xAxis.Transform(points[2 * i]);
                float sy = (float)yAxis.Transform(points[2 * i + 1]);
                canvas.DrawCircle(sx, sy, radius, paints[colourIndex[labels[i]]]);
            }
            float big = Math.Max(radius, 3.5f), inset = big + ring.StrokeWidth;
            foreach (int i in outside)
            {
                float sx = Math.Clamp((float)xAxis.Transform(points[2 * i]), (float)area.Left + inset,
                    (float)area.Right - inset);
                float sy = Math.Clamp((float)yAxis.Transform(points[2 * i + 1]), (float)area.Top + inset,
                    (float)area.Bottom - inset);
                canvas.DrawCircle(sx, sy, big, paints[colourIndex[labels[i]]]);
                canvas.DrawCircle(sx, sy, big, ring);
            }
            canvas.Restore();
        }
        finally
        {
            foreach (var paint in paints)
                paint.Dispose();
        }
    }

    private static LinearAxis Axis(AxisPosition position, string title, AxisRange range)
    {
        var (min, max) = (range.Min, range.Max);
        // A single distinct value (one point, or points on a line) still needs a range to lay out ticks.
        double span = max - min;
        double pad = span > 0 ? span * Padding : Math.Max(1, Math.Abs(min) * 0.1);
        return new LinearAxis
        {
            Position = position, Title = title, Minimum = min - pad, Maximum = max + pad,
            MajorGridlineStyle = LineStyle.Solid, MajorGridlineColor = GridColor, IsZoomEnabled = false,
            IsPanEnabled = false,
        };
    }

    private static string[] OrderLabels(IEnumerable<string> distinct)
    {
        string[] labels = distinct.ToArray();
        // "2" before "10": numeric class ids sort as numbers.
        if (labels.All(l => long.TryParse(l, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
            return labels.OrderBy(l => long.Parse(l, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToArray();
        return labels.Order(StringComparer.Ordinal).ToArray();
    }
}
