using System.Text.Json;
using XPlot.Plotly;

namespace CnnFromScratch.Tests.Plotting;

/// <summary>Reads back what a chart's HTML sends to the browser: the Plotly traces and layout as JSON.</summary>
internal static class ChartJson
{
    public static JsonElement Layout(PlotlyChart chart) => Variable(chart, "layout");

    public static JsonElement FirstTrace(PlotlyChart chart) => Variable(chart, "data")[0];

    public static (JsonElement Trace, JsonElement Layout) Parse(PlotlyChart chart) => (FirstTrace(chart), Layout(chart));

    private static JsonElement Variable(PlotlyChart chart, string name)
    {
        string js = chart.GetPlottingJS();
        string declaration = $"var {name} = ";
        int start = js.IndexOf(declaration, StringComparison.Ordinal);
        Assert.True(start >= 0, $"The chart's script declares no '{name}'.");
        start += declaration.Length;
        // One line per declaration; a string in it may hold a ';' (a data URI: "data:image/png;base64,…").
        int end = js.IndexOf('\n', start);
        return JsonDocument.Parse(js[start..(end < 0 ? js.Length : end)].TrimEnd().TrimEnd(';')).RootElement;
    }
}
