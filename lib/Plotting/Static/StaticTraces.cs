using System.Text.Json.Nodes;
using ScottPlot;

namespace CnnFromScratch.Plotting.Static;

/// <summary>
/// Each plotly trace type the course draws, added to a ScottPlot plot: scatter (lines and markers), bar, histogram,
/// heatmap and contour. <see cref="StaticChart"/> has set up the axes the values are mapped with.
/// </summary>
internal static partial class StaticTraces
{
    /// <summary>Lines and markers; "lines+markers" below 20 points and "lines" above when the trace names no mode, as plotly does.</summary>
    public static IPlottable? Scatter(Plot plot, JsonObject trace, PlotlyAxis x, PlotlyAxis y, Color color)
    {
        var ys = y.MapAll(trace["y"], 0);
        var xs = x.MapAll(trace["x"], ys.Length);
        var points = xs.Zip(ys).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToArray();
        if (points.Length == 0) return null;   // an empty trace (a live chart before its first point) draws nothing, as in plotly
        string mode = Text(trace["mode"]) ?? (ys.Length < 20 ? "lines+markers" : "lines");
        var line = trace["line"] as JsonObject;
        var marker = trace["marker"] as JsonObject;
        color = PlotlyColors.ParseOr(line?["color"] ?? marker?["color"], color);

        var scatter = plot.Add.Scatter(points.Select(p => p.First).ToArray(), points.Select(p => p.Second).ToArray(), color);
        scatter.LineWidth = mode.Contains("lines") ? (float)(PlotlyAxis.Number(line?["width"]) ?? 2) : 0;
        scatter.MarkerSize = mode.Contains("markers") ? (float)(PlotlyAxis.Number(marker?["size"]) ?? 6) : 0;
        scatter.LinePattern = Text(line?["dash"]) switch
        {
            "dot" => LinePattern.Dotted,
            "dash" or "longdash" => LinePattern.Dashed,
            "dashdot" or "longdashdot" => LinePattern.DenselyDashed,
            _ => LinePattern.Solid,
        };
        // A long, noisy curve (the loss of every batch) compresses to half the bytes without anti-aliasing, and looks the same.
        scatter.LineStyle.AntiAlias = points.Length < 300;
        return scatter;
    }

    /// <summary>
    /// Bars at their categories or x values. With <paramref name="groups"/> traces in "group" mode, trace
    /// <paramref name="group"/> takes its share of each slot, side by side; on a log axis bars rise from the lowest decade.
    /// </summary>
    public static IPlottable? Bar(Plot plot, JsonObject trace, PlotlyAxis x, PlotlyAxis y, Color color, int group, int groups, double logBase)
    {
        var ys = y.MapAll(trace["y"], 0);
        var xs = x.MapAll(trace["x"], ys.Length);
        double slot = Spacing(xs);
        var marker = trace["marker"] as JsonObject;
        color = PlotlyColors.ParseOr(marker?["color"], color);
        double width = 0.8 * slot / groups;
        var bars = xs.Zip(ys)
            .Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second))
            .Select(p => new Bar
            {
                Position = p.First - 0.4 * slot + width * (group + 0.5),
                Value = p.Second,
                ValueBase = y.IsLog ? logBase : 0,
                Size = width,
                FillColor = color,
                LineWidth = 0,
            }).ToList();
        return bars.Count == 0 ? null : plot.Add.Bars(bars);
    }

    /// <summary>Counts of the trace's x values in equal bins: its <c>nbinsx</c>, or about √n of them as plotly's automatic binning gives.</summary>
    public static IPlottable? Histogram(Plot plot, JsonObject trace, PlotlyAxis x, Color color)
    {
        var values = x.MapAll(trace["x"], 0).Where(double.IsFinite).ToArray();
        if (values.Length == 0) return null;
        int bins = (int)(PlotlyAxis.Number(trace["nbinsx"]) ?? Math.Clamp(Math.Ceiling(Math.Sqrt(values.Length)), 5, 100));
        double min = values.Min(), max = values.Max();
        if (max <= min) max = min + 1;
        var histogram = ScottPlot.Statistics.Histogram.WithBinCount(bins, min, max);
        histogram.AddRange(values);
        var marker = trace["marker"] as JsonObject;
        color = PlotlyColors.ParseOr(marker?["color"], color);
        double size = histogram.FirstBinSize;
        var bars = histogram.Bins.Zip(histogram.Counts).Select(b => new Bar
        {
            Position = b.First + size / 2, Value = b.Second, Size = size * 0.95, FillColor = color, LineWidth = 0,
        }).ToList();
        return plot.Add.Bars(bars);
    }

    /// <summary>The smallest gap between neighbouring positions: the width one bar slot may take (1 for a single bar).</summary>
    private static double Spacing(double[] positions)
    {
        var sorted = positions.Where(double.IsFinite).Distinct().Order().ToArray();
        double gap = double.PositiveInfinity;
        for (int i = 1; i < sorted.Length; i++) gap = Math.Min(gap, sorted[i] - sorted[i - 1]);
        return double.IsFinite(gap) ? gap : 1;
    }

    public static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
