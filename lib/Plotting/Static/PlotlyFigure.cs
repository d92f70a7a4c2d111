using System.Text.Json.Nodes;
using XPlot.Plotly;

namespace CnnFromScratch.Plotting.Static;

/// <summary>
/// A chart as plotly.js receives it: the traces and the layout XPlot serialises, and its size in pixels.
/// Reading the JSON rather than XPlot's objects covers every chart, whether a helper in this folder or a chapter
/// built it with <c>Chart.Plot</c>.
/// </summary>
internal sealed record PlotlyFigure(JsonArray Data, JsonObject Layout, int Width, int Height)
{
    private const string DataPrefix = "var data = ", LayoutPrefix = "var layout = ";

    /// <summary>The figure of <paramref name="chart"/>, from the script XPlot would run (one line each for data and layout).</summary>
    public static PlotlyFigure Of(PlotlyChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        JsonNode? data = null, layout = null;
        foreach (var raw in chart.GetPlottingJS().Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith(DataPrefix, StringComparison.Ordinal)) data = Parse(line, DataPrefix);
            else if (line.StartsWith(LayoutPrefix, StringComparison.Ordinal)) layout = Parse(line, LayoutPrefix);
        }
        if (data is not JsonArray traces)
            throw new InvalidOperationException("XPlot's chart script has no 'var data = [...]' line; this XPlot.Plotly version is not the 4.1.0 the course pins.");
        // A chart without a layout gets `var layout = "";`. A size in the layout wins over the <div>'s, as in plotly.js.
        var settings = layout as JsonObject ?? new JsonObject();
        int width = PlotlyAxis.Number(settings["width"]) is double w ? (int)w : chart.Width;
        int height = PlotlyAxis.Number(settings["height"]) is double h ? (int)h : chart.Height;
        return new PlotlyFigure(traces, settings, width, height);
    }

    private static JsonNode? Parse(string line, string prefix) => JsonNode.Parse(line[prefix.Length..].TrimEnd(';'));

    /// <summary>The chart's title, or an empty string.</summary>
    public string Title => TextOf(Layout["title"]);

    /// <summary>A title given as a plain string (plotly.js 1.x, what XPlot writes) or as <c>{"text": …}</c> (later versions).</summary>
    public static string TextOf(JsonNode? title) => title switch
    {
        JsonValue value when value.TryGetValue(out string? text) => text,
        JsonObject obj => TextOf(obj["text"]),
        _ => "",
    };
}
