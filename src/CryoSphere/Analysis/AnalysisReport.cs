using System.Globalization;
using System.Net;
using System.Text;

namespace CryoSphere.Analysis;

/// <summary>A figure for the report: caption and PNG bytes.</summary>
public sealed record ReportFigure(string Caption, byte[] Png);

/// <summary>report.html: one self-contained page (figures embedded as base64) with the segment table, training summary and settings.</summary>
public static class AnalysisReport
{
    public static string Build(string title, IReadOnlyList<ReportFigure> figures, IReadOnlyList<SegmentSummary> segments,
        IReadOnlyList<(string Name, string Value)> summary, string configText)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>\n");
        sb.Append("<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}table{border-collapse:collapse}")
          .Append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}img{max-width:100%}pre{background:#f4f4f4;padding:1em;overflow:auto}</style>\n");
        sb.Append("</head><body>\n<h1>").Append(E(title)).Append("</h1>\n");

        sb.Append("<h2>Training summary</h2>\n<table>\n");
        foreach (var (name, value) in summary) sb.Append("<tr><th>").Append(E(name)).Append("</th><td>").Append(E(value)).Append("</td></tr>\n");
        sb.Append("</table>\n");

        sb.Append("<h2>Segments</h2>\n<table>\n<tr><th>segment</th><th>residues</th><th>size</th></tr>\n");
        foreach (var s in segments)
            sb.Append("<tr><td>").Append(s.Id.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(E(s.Ranges))
              .Append("</td><td>").Append(s.Size.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>\n");
        sb.Append("</table>\n");

        sb.Append("<h2>Figures</h2>\n");
        foreach (var f in figures)
            sb.Append("<figure><img alt=\"").Append(E(f.Caption)).Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(f.Png))
              .Append("\"><figcaption>").Append(E(f.Caption)).Append("</figcaption></figure>\n");

        sb.Append("<h2>Run settings (config.yaml)</h2>\n<pre>").Append(E(configText)).Append("</pre>\n</body></html>\n");
        return sb.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
