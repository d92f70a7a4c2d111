using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ScottPlot;

namespace CnnFromScratch.Plotting.Static;

/// <summary>
/// A plotly figure drawn by ScottPlot: the same traces, title, axis titles, axis types and ranges, annotations and
/// legend, at the size of the interactive chart. This is what shows where scripts do not run.
/// </summary>
internal static partial class StaticChart
{
    /// <summary>The first of these fonts that the machine has (ScottPlot's default otherwise): a sans face with the course's symbols (∂, σ′, →, ✗).</summary>
    private static readonly Lazy<string?> SansFont = new(() =>
    {
        var installed = SkiaSharp.SKFontManager.Default.GetFontFamilies().ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Segoe UI", "Helvetica" }.FirstOrDefault(installed.Contains);
    });

    public static Plot Render(PlotlyFigure figure)
    {
        var layout = figure.Layout;
        var x = new PlotlyAxis(layout["xaxis"] as JsonObject);
        var y = new PlotlyAxis(layout["yaxis"] as JsonObject);
        var y2 = new PlotlyAxis(layout["yaxis2"] as JsonObject);
        var traces = figure.Data.OfType<JsonObject>().ToList();
        PlotlyAxis YOf(JsonObject t) => StaticTraces.Text(t["yaxis"]) == "y2" ? y2 : y;
        foreach (var t in traces)
        {
            x.Observe(t["x"]);
            YOf(t).Observe(t["y"]);
        }
        foreach (var a in Annotations(layout))
        {
            x.Observe(new JsonArray(a["x"]?.DeepClone()));
            y.Observe(new JsonArray(a["y"]?.DeepClone()));
        }

        var plot = new Plot();
        if (SansFont.Value is { } font) plot.Font.Set(font);
        var bars = traces.Where(t => Type(t) == "bar").ToList();
        bool grouped = (StaticTraces.Text(layout["barmode"]) ?? "group") == "group";
        double logBase = LowestDecade(traces.Where(t => Type(t) == "bar" && YOf(t).IsLog).Select(t => YOf(t).MapAll(t["y"], 0)));
        var omitted = new List<string>();
        bool hasImage = false;
        int legendItems = 0;
        for (int i = 0; i < traces.Count; i++)
        {
            var t = traces[i];
            var ty = YOf(t);
            var color = PlotlyColors.Colorway[i % PlotlyColors.Colorway.Length];
            IPlottable? drawn = Type(t) switch
            {
                "scatter" or "scattergl" => StaticTraces.Scatter(plot, t, x, ty, color),
                "bar" => StaticTraces.Bar(plot, t, x, ty, color, grouped ? bars.IndexOf(t) : 0, grouped ? bars.Count : 1, logBase),
                "histogram" => StaticTraces.Histogram(plot, t, x, color),
                "heatmap" => StaticTraces.Heatmap(plot, t, x, ty),
                "contour" => StaticTraces.Contour(plot, t, x, ty),
                "image" when t["source"] is not null => StaticTraces.Image(plot, t),
                var other => Omit(omitted, other),
            };
            if (drawn is null) continue;
            if (ty == y2) drawn.Axes.YAxis = plot.Axes.Right;
            if (drawn is ScottPlot.Plottables.Heatmap or ScottPlot.Plottables.ContourLines or ScottPlot.Plottables.ImageRect) hasImage = true;
            else if (drawn is IHasLegendText named && (t["showlegend"] is not JsonValue show || show.GetValue<bool>()))
            {
                named.LegendText = StaticTraces.Text(t["name"]) ?? $"trace {i}";
                legendItems++;
            }
        }

        foreach (var a in Annotations(layout))
        {
            var text = plot.Add.Text(Plain(StaticTraces.Text(a["text"]) ?? ""), x.Map(a["x"]), y.Map(a["y"]));
            text.Alignment = Alignment.MiddleCenter;
            var f = a["font"] as JsonObject;
            text.LabelFontSize = (float)(PlotlyAxis.Number(f?["size"]) ?? 12);
            text.LabelFontColor = PlotlyColors.ParseOr(f?["color"], Colors.Black);
        }
        if (omitted.Count > 0)
            plot.Add.Annotation($"The static image leaves out the {string.Join(", ", omitted.Distinct())} trace(s); the interactive chart shows them.", Alignment.LowerLeft);

        plot.Title(Plain(figure.Title));
        plot.XLabel(Plain(x.Title));
        plot.YLabel(Plain(y.Title));
        if (y2.Title != "") plot.Axes.Right.Label.Text = Plain(y2.Title);
        // plotly draws a legend when there are two traces or more, outside the plot on the right.
        bool showLegend = layout["showlegend"] is JsonValue sl ? sl.GetValue<bool>() : traces.Count > 1;
        if (showLegend && legendItems > 0) plot.ShowLegend(Edge.Right);
        else plot.HideLegend();

        if (hasImage) plot.Axes.Margins(0, 0);   // a heatmap fills its axes, as in plotly
        // About as many ticks as plotly draws (ScottPlot's default is twice as dense; each label also costs PNG bytes).
        foreach (var axis in plot.Axes.GetAxes().Concat(plot.Axes.GetPanels().OfType<ScottPlot.Panels.ColorBar>().Select(c => c.Axis)))
            axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { TickDensity = 0.5 };
        Ticks(plot.Axes.Bottom, x);
        Ticks(plot.Axes.Left, y);
        Ticks(plot.Axes.Right, y2);
        plot.Axes.AutoScale();
        Limits(plot, plot.Axes.Bottom, x);
        Limits(plot, plot.Axes.Left, y);
        Limits(plot, plot.Axes.Right, y2);
        return plot;
    }

    private static IPlottable? Omit(List<string> omitted, string type)
    {
        omitted.Add(type);
        return null;
    }

    private static string Type(JsonObject trace) => StaticTraces.Text(trace["type"]) ?? "scatter";

    private static IEnumerable<JsonObject> Annotations(JsonObject layout) =>
        (layout["annotations"] as JsonArray)?.OfType<JsonObject>()
            .Where(a => StaticTraces.Text(a["xref"]) is null or "x" && StaticTraces.Text(a["yref"]) is null or "y") ?? [];

    /// <summary>Plotly's markup in titles and labels (<c>&lt;br&gt;</c>, <c>&lt;b&gt;</c>, <c>&lt;sub&gt;</c>) as plain text, line breaks kept.</summary>
    private static string Plain(string text) => Tags().Replace(LineBreak().Replace(text, "\n"), "");

    [GeneratedRegex("<br\\s*/?>", RegexOptions.IgnoreCase)]
    private static partial Regex LineBreak();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();
}
