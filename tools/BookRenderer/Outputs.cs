using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BookRenderer;

/// <summary>
/// A code cell's saved outputs as HTML, the richest form of each as a notebook front end would pick it: HTML as it is
/// (tables, charts: the chart's own script draws it with the book's plotly.js), then images, then plain text.
/// Console output and errors are shown as preformatted text.
/// </summary>
internal static partial class Outputs
{
    public static string Render(JsonArray outputs, Func<string, string> markdown)
    {
        var html = new StringBuilder();
        foreach (var output in outputs.OfType<JsonObject>())
        {
            switch (output["output_type"]?.GetValue<string>())
            {
                case "stream":
                    string stream = output["name"]?.GetValue<string>() == "stderr" ? "stderr" : "stdout";
                    html.Append($"<pre class=\"output {stream}\">{Escape(Notebook.Text(output["text"]))}</pre>\n");
                    break;
                case "display_data" or "execute_result":
                    html.Append("<div class=\"output rich\">").Append(Rich(output["data"] as JsonObject ?? [], markdown)).Append("</div>\n");
                    break;
                case "error":
                    var trace = (output["traceback"] as JsonArray ?? []).Select(l => AnsiEscape().Replace(l?.GetValue<string>() ?? "", ""));
                    string text = $"{output["ename"]?.GetValue<string>()}: {output["evalue"]?.GetValue<string>()}\n{string.Join("\n", trace)}";
                    html.Append($"<pre class=\"output error\">{Escape(text)}</pre>\n");
                    break;
            }
        }
        return html.ToString();
    }

    private static string Rich(JsonObject data, Func<string, string> markdown)
    {
        string Get(string mime) => Notebook.Text(data[mime]);
        if (data.ContainsKey("text/html")) return Get("text/html");
        if (data.ContainsKey("image/svg+xml")) return Get("image/svg+xml");
        if (data.ContainsKey("image/png")) return $"<img src=\"data:image/png;base64,{Get("image/png").Trim()}\" alt=\"output image\">";
        if (data.ContainsKey("text/markdown")) return markdown(Get("text/markdown"));
        return $"<pre>{Escape(Get("text/plain"))}</pre>";
    }

    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    [GeneratedRegex(@"\x1B\[[0-9;]*[A-Za-z]")]
    private static partial Regex AnsiEscape();
}
