using System.Text;
using static MlNetTriplet.Cli.Report.HtmlReport;

namespace MlNetTriplet.Cli.Report;

/// <summary>A small image for a gallery, with its caption.</summary>
/// <param name="Data">The encoded image.</param>
/// <param name="MimeType">"image/png" or "image/jpeg".</param>
/// <param name="Caption">Shown under the image (and as its alt text).</param>
/// <param name="Kind">How its frame is coloured: "right", "wrong", "query" or "" (plain).</param>
/// <param name="Pixelated">Drawn with visible pixels (tiny images such as 28 x 28 digits) rather than smoothed.</param>
internal sealed record Thumbnail(byte[] Data, string MimeType, string Caption, string Kind = "", bool Pixelated = false);

/// <summary>One section of an <see cref="HtmlReport"/>: paragraphs, tables, figures and galleries, in order.</summary>
internal sealed class ReportSection(string id, string heading)
{
    private readonly StringBuilder _body = new();

    public string Id => id;
    public string Heading => heading;

    /// <summary>The headline: a figure in large type, its name, and a sentence that says what it means.</summary>
    public ReportSection Headline(string value, string name, string sentence)
    {
        _body.Append("<div class=\"headline\"><div><div class=\"value\">").Append(Encode(value))
            .Append("</div><div class=\"name\">").Append(Encode(name)).Append("</div></div><p>").Append(Encode(sentence))
            .Append("</p></div>\n");
        return this;
    }

    public ReportSection SubHeading(string text)
    {
        _body.Append("<h3>").Append(Encode(text)).Append("</h3>\n");
        return this;
    }

    public ReportSection Paragraph(string text)
    {
        _body.Append("<p>").Append(Encode(text)).Append("</p>\n");
        return this;
    }

    /// <summary>Code to copy, as written.</summary>
    public ReportSection Code(string text)
    {
        _body.Append("<pre><code>").Append(Encode(text)).Append("</code></pre>\n");
        return this;
    }

    /// <summary>A muted remark.</summary>
    public ReportSection Note(string text)
    {
        _body.Append("<p class=\"note\">").Append(Encode(text)).Append("</p>\n");
        return this;
    }

    /// <summary>A remark the reader should not miss (training stopped early, rows left out...).</summary>
    public ReportSection Warning(string text)
    {
        _body.Append("<p class=\"warn\">").Append(Encode(text)).Append("</p>\n");
        return this;
    }

    /// <summary>A table; columns whose header is in <paramref name="numeric"/> are right-aligned. The row at
    /// <paramref name="highlight"/> is bold.</summary>
    public ReportSection Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows,
        IReadOnlySet<string>? numeric = null, int? highlight = null)
    {
        string Cell(string tag, string column, string text) =>
            $"<{tag}{(numeric?.Contains(column) == true ? " class=\"num\"" : "")}>{Encode(text)}</{tag}>";
        _body.Append("<div class=\"scroll\"><table>\n");
        if (header.Any(h => h.Length > 0))
        {
            _body.Append("<tr>");
            foreach (string h in header)
                _body.Append(Cell("th", h, h));
            _body.Append("</tr>\n");
        }
        int index = 0;
        foreach (var row in rows)
        {
            _body.Append(index++ == highlight ? "<tr class=\"best\">" : "<tr>");
            for (int c = 0; c < row.Count; c++)
                _body.Append(Cell("td", c < header.Count ? header[c] : "", row[c]));
            _body.Append("</tr>\n");
        }
        _body.Append("</table></div>\n");
        return this;
    }

    /// <summary>Name-value pairs as a two-column table.</summary>
    public ReportSection Facts(IEnumerable<(string Name, string Value)> facts) =>
        Table(["", ""], facts.Select(f => (IReadOnlyList<string>)[f.Name, f.Value]));

    /// <summary>PNG figures side by side (wrapping on narrow screens), each embedded as a data URI.</summary>
    public ReportSection Figures(params (string PngPath, string Caption)[] figures)
    {
        _body.Append("<div class=\"figures\">\n");
        foreach (var (path, caption) in figures)
            _body.Append("<figure><img src=\"data:image/png;base64,").Append(Convert.ToBase64String(File.ReadAllBytes(path)))
                .Append("\" alt=\"").Append(Encode(caption)).Append("\"><figcaption>").Append(Encode(caption))
                .Append("</figcaption></figure>\n");
        _body.Append("</div>\n");
        return this;
    }

    /// <summary>Rows of thumbnails (e.g. a query and its nearest neighbours), each row on its own line.</summary>
    public ReportSection ThumbnailRows(IEnumerable<IReadOnlyList<Thumbnail>> rows)
    {
        foreach (var row in rows)
        {
            _body.Append("<div class=\"gallery-row\">");
            foreach (var t in row)
                AppendThumbnail(t);
            _body.Append("</div>\n");
        }
        return this;
    }

    /// <summary>Thumbnails flowing in a grid.</summary>
    public ReportSection Gallery(IEnumerable<Thumbnail> thumbnails)
    {
        _body.Append("<div class=\"gallery\">");
        foreach (var t in thumbnails)
            AppendThumbnail(t);
        _body.Append("</div>\n");
        return this;
    }

    internal void AppendTo(StringBuilder html) =>
        html.Append("<section id=\"").Append(id).Append("\">\n<h2>").Append(Encode(heading)).Append("</h2>\n")
            .Append(_body).Append("</section>\n");

    private void AppendThumbnail(Thumbnail t)
    {
        string classes = string.Join(' ', new[] { "thumb", t.Kind, t.Pixelated ? "small" : "" }.Where(c => c.Length > 0));
        _body.Append("<div class=\"").Append(classes).Append("\"><img src=\"data:").Append(t.MimeType).Append(";base64,")
            .Append(Convert.ToBase64String(t.Data)).Append("\" alt=\"").Append(Encode(t.Caption))
            .Append("\"><span class=\"caption\">").Append(Encode(t.Caption)).Append("</span></div>");
    }
}
