using System.Net;
using System.Text;

namespace MlNetTriplet.Cli.Report;

/// <summary>A self-contained HTML report: one file, its CSS inline, every image a data URI, no script and no
/// external address, so it reads the same offline, attached to a mail or archived with the model.</summary>
internal sealed class HtmlReport(string title, string subtitle)
{
    private readonly List<ReportSection> _sections = [];

    /// <summary>Adds a section; its id is the anchor the table of contents (and the tests) use.</summary>
    public ReportSection Section(string id, string heading)
    {
        var section = new ReportSection(id, heading);
        _sections.Add(section);
        return section;
    }

    /// <summary>Writes the report.</summary>
    public void Save(string path)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Encode(title)).Append("</title>\n<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n")
            .Append("<header><h1>").Append(Encode(title)).Append("</h1><p class=\"subtitle\">").Append(Encode(subtitle))
            .Append("</p>\n<nav>");
        foreach (var section in _sections)
            html.Append("<a href=\"#").Append(section.Id).Append("\">").Append(Encode(section.Heading)).Append("</a>");
        html.Append("</nav></header>\n<main>\n");
        foreach (var section in _sections)
            section.AppendTo(html);
        html.Append("</main>\n</body>\n</html>\n");
        File.WriteAllText(path, html.ToString());
    }

    /// <summary>Text made safe for HTML content and attribute values.</summary>
    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    private const string Style = """
        :root { --ink: #1d2330; --muted: #5b6475; --line: #d9dee7; --accent: #1f5fa8; --good: #1a7f37; --bad: #c62828; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: #f6f7f9; }
        header { background: #fff; border-bottom: 1px solid var(--line); padding: 20px 32px 12px; }
        h1 { margin: 0; font-size: 24px; }
        .subtitle { margin: 2px 0 10px; color: var(--muted); }
        nav { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 14px; }
        nav a { color: var(--accent); text-decoration: none; }
        main { max-width: 1180px; margin: 0 auto; padding: 12px 32px 48px; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin: 16px 0; padding: 8px 24px 16px; }
        h2 { font-size: 19px; margin: 10px 0 8px; }
        h3 { font-size: 16px; margin: 16px 0 6px; }
        p { margin: 6px 0 10px; max-width: 900px; }
        .headline { display: flex; align-items: center; gap: 24px; flex-wrap: wrap; }
        .headline .value { font-size: 44px; font-weight: 700; color: var(--accent); line-height: 1.1; }
        .headline .name { color: var(--muted); font-size: 14px; }
        .headline p { font-size: 17px; flex: 1 1 480px; margin: 0; }
        .note { color: var(--muted); font-size: 14px; }
        .warn { background: #fff8e1; border-left: 4px solid #f0b400; padding: 6px 12px; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; font-size: 14px; margin: 6px 0 12px; }
        th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
        th { background: #eef1f5; font-weight: 600; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        tr.best td { font-weight: 600; }
        .figures { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
        figure { margin: 6px 0; display: table; }
        figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
        figcaption { display: table-caption; caption-side: bottom; color: var(--muted); font-size: 13px; padding-top: 4px; }
        .gallery { display: flex; flex-wrap: wrap; gap: 10px; }
        .gallery-row { display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-start; margin: 6px 0 12px; }
        .thumb { width: 132px; font-size: 12px; text-align: center; }
        .thumb img { width: 124px; height: 124px; object-fit: contain; background: #eee; border: 3px solid var(--line); image-rendering: auto; }
        .thumb.small img { image-rendering: pixelated; }
        .thumb.right img { border-color: var(--good); }
        .thumb.wrong img { border-color: var(--bad); }
        .thumb.query img { border-color: var(--accent); }
        .thumb .caption { display: block; line-height: 1.3; word-break: break-word; }
        pre { background: #f3f5f8; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; font-size: 13px; overflow-x: auto; }
        .tag { display: inline-block; padding: 0 6px; border-radius: 4px; font-size: 12px; background: #eef1f5; }
        """;
}
