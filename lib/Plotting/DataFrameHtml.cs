using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Data.Analysis;

namespace CnnFromScratch.Plotting;

/// <summary>
/// A DataFrame as an HTML table. Polyglot Notebooks drew DataFrames through an extension that is not available
/// everywhere; registering this one in a chapter's first cell shows tables the same way in the editor and in the
/// headless runner: <c>Formatter.Register&lt;DataFrame&gt;((frame, writer) =&gt; writer.Write(frame.ToHtml()), "text/html");</c>
/// </summary>
public static class DataFrameHtml
{
    /// <summary>The first <paramref name="maxRows"/> rows as a table with a header row; numbers right-aligned, text escaped.</summary>
    public static string ToHtml(this DataFrame frame, int maxRows = 100)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRows);
        var html = new StringBuilder("<table>\n<thead><tr>");
        foreach (DataFrameColumn column in frame.Columns)
            html.Append("<th>").Append(WebUtility.HtmlEncode(column.Name)).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        long shown = Math.Min(frame.Rows.Count, maxRows);
        for (long r = 0; r < shown; r++)
        {
            html.Append("<tr>");
            foreach (DataFrameColumn column in frame.Columns)
            {
                object? value = column[r];
                bool numeric = value is not null and not string and IConvertible;
                html.Append(numeric ? "<td style=\"text-align:right\">" : "<td>")
                    .Append(WebUtility.HtmlEncode(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""))
                    .Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>");
        if (frame.Rows.Count > shown)
            html.Append(CultureInfo.InvariantCulture, $"\n<p>… {frame.Rows.Count - shown} more rows ({frame.Rows.Count} in all)</p>");
        return html.ToString();
    }
}
