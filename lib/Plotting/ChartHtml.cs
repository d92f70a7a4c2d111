using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using CnnFromScratch.Plotting.Static;
using XPlot.Plotly;

namespace CnnFromScratch.Plotting;

/// <summary>
/// A chart as one HTML output that every viewer can show. The HTML holds the static image (<see cref="ChartImage"/>),
/// which is all a viewer without scripts shows (GitHub, untrusted JupyterLab, an HTML export); a script then swaps it
/// for the interactive Plotly chart, using the page's plotly.js when it has one (the book, a front end that loaded it),
/// require.js when the page has it (classic Jupyter), or plotly.js 1.58.5 from its CDN. If plotly.js cannot be
/// loaded (offline), the image stays. A chapter's first cell registers it:
/// <c>Formatter.Register&lt;PlotlyChart&gt;((chart, writer) =&gt; writer.Write(chart.ToHtml()), "text/html");</c>
/// </summary>
public static class ChartHtml
{
    /// <summary>The CSS class of the element holding a chart: the book and its tests find the charts by it.</summary>
    public const string CssClass = "cnn-chart";

    /// <summary>The version XPlot.Plotly 4.1.0 writes layouts for (plotly.js 2 and later drop its plain-string titles).</summary>
    public const string PlotlyVersion = "1.58.5";

    private const string Cdn = "https://cdn.plot.ly/plotly-" + PlotlyVersion + ".min";

    /// <summary>The static image and the interactive chart of <paramref name="chart"/>, in one piece of HTML.</summary>
    public static string ToHtml(this PlotlyChart chart)
    {
        var figure = PlotlyFigure.Of(chart);
        byte[] png = chart.ToPng();
        string id = $"{CssClass}-{Guid.NewGuid():N}";
        string alt = figure.Title == "" ? "chart" : figure.Title;
        string json = ScriptJson(figure);
        var html = new StringBuilder();
        html.Append($"<div class=\"{CssClass}\" id=\"{id}\" data-width=\"{figure.Width}\" data-height=\"{figure.Height}\" style=\"width:{figure.Width}px;max-width:100%\">");
        html.Append($"<img src=\"data:image/png;base64,{Convert.ToBase64String(png)}\" width=\"{figure.Width}\" height=\"{figure.Height}\"");
        html.Append($" style=\"max-width:100%;height:auto\" alt=\"{WebUtility.HtmlEncode(alt)}\"></div>\n");
        html.Append("<script type=\"text/javascript\">\n(function () {\n");
        html.Append($"  var id = \"{id}\", figure = {json};\n");
        html.Append($"  var width = {figure.Width}, height = {figure.Height}, cdn = \"{Cdn}\";\n");
        html.Append(Loader);
        html.Append("})();\n</script>");
        return html.ToString();
    }

    /// <summary>
    /// The figure as JSON for a &lt;script&gt;, every number to 6 significant digits (a thousandth of a pixel on any
    /// chart: XPlot writes doubles with all 17, which would triple a 1,000-point curve's output). The encoder writes
    /// &lt;, &gt; and &amp; as \u escapes, so no string in the figure can close the script.
    /// </summary>
    private static string ScriptJson(PlotlyFigure figure)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.Default }))
            Write(writer, new JsonObject { ["data"] = figure.Data.DeepClone(), ["layout"] = figure.Layout.DeepClone() });
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj)
                {
                    writer.WritePropertyName(key);
                    Write(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var value in array) Write(writer, value);
                writer.WriteEndArray();
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                double d = value.GetValue<double>();
                writer.WriteNumberValue(double.Parse(d.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    // Draws the chart into a new <div> and removes the image only once plotly.js has drawn it.
    private const string Loader = """
          function draw(Plotly) {
            var host = document.getElementById(id);
            if (!host || !Plotly) return;
            var plot = document.createElement("div");
            plot.style.width = width + "px";
            plot.style.height = height + "px";
            host.appendChild(plot);
            Plotly.newPlot(plot, figure.data, figure.layout).then(function () {
              var image = host.querySelector("img");
              if (image) image.remove();
            }, function (error) {
              plot.remove();
              console.warn("plotly.js could not draw the chart; the static image stays.", error);
            });
          }
          if (window.Plotly) draw(window.Plotly);
          else if (typeof window.requirejs === "function") {
            window.requirejs.config({ paths: { plotly: cdn } });
            window.requirejs(["plotly"], draw, function () {});
          } else {
            var script = document.createElement("script");
            script.src = cdn + ".js";
            script.onload = function () { draw(window.Plotly); };
            document.head.appendChild(script);
          }

        """;
}
